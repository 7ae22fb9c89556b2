import { describe, expect, it } from 'vitest';
import { createPathGrants } from './path-grants';

describe('path grants (files the person chose this session)', () => {
  it('allows exactly the granted paths, also spelled with . or .. segments', () => {
    const grants = createPathGrants();
    grants.grant(['/home/ana/Pictures/cat.jpg', '/home/ana/Projects']);
    expect(grants.allows('/home/ana/Pictures/cat.jpg')).toBe(true);
    expect(grants.allows('/home/ana/Projects/../Projects')).toBe(true);
    expect(grants.allows('/home/ana/Projects/secret.txt')).toBe(false);
    expect(grants.allows('/home/ana/Pictures')).toBe(false);
    expect(grants.allows('/home/ana/.ssh/id_ed25519')).toBe(false);
  });

  it('forgets the oldest grants past its limit', () => {
    const grants = createPathGrants(2);
    grants.grant(['/a', '/b']);
    grants.grant(['/a']); // chosen again: newest now
    grants.grant(['/c']);
    expect(grants.allows('/b')).toBe(false);
    expect(grants.allows('/a')).toBe(true);
    expect(grants.allows('/c')).toBe(true);
  });
});
