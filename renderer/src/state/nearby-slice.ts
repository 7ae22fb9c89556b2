/**
 * Nearby Ferry devices (found by the desktop's DNS-SD discovery, contracts/nearby.ts) in the store:
 * the pairing view lists them, and the engine looks a code up on their services.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { NearbyService } from '../../../contracts/local-service';
import type { FerryState } from './store';

export interface NearbySlice {
  /** In the order they were found; empty where the host has no discovery or found nobody. */
  readonly nearby: readonly NearbyService[];
  setNearby(devices: readonly NearbyService[]): void;
}

export const nearbySlice: StateCreator<FerryState, [], [], NearbySlice> = (set) => ({
  nearby: [],
  setNearby: (devices) => set({ nearby: devices }),
});

/** Every nearby signaling service, as the engine asks them about a code. */
export function nearbyServiceUrls(state: Pick<NearbySlice, 'nearby'>): string[] {
  return state.nearby.map((device) => device.url);
}
