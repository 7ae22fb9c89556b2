import { Component, type ReactNode } from 'react';
import { useT } from './ferry-context';

/** The parts of the window that fail on their own: one broken surface leaves the others working. */
export type Surface = 'sidebar' | 'conversation' | 'pairing' | 'settings' | 'call';

interface Props {
  readonly surface: Surface;
  /**
   * When this changes (another conversation is opened), a failed surface gets a fresh start: the
   * failure belonged to what was shown before.
   */
  readonly resetKey?: string;
  readonly children: ReactNode;
}

interface State {
  readonly failed: boolean;
  readonly resetKey: string | undefined;
  /** Bumped by "Try again" so the surface mounts afresh instead of reusing broken state. */
  readonly attempt: number;
}

/**
 * An error boundary around one surface of the window. Without it, one render error anywhere (a
 * value from a peer the UI could not show, a bug) unmounts the whole React tree: a blank window
 * that only a reload fixes, and a reload drops every connection, transfer and call. Here the
 * surface says what happened in a sentence and offers to try again; the engine, the connections
 * and the other surfaces keep running.
 */
export class SurfaceBoundary extends Component<Props, State> {
  override state: State = { failed: false, resetKey: this.props.resetKey, attempt: 0 };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.resetKey ? null : { failed: false, resetKey: props.resetKey };
  }

  private readonly retry = () => this.setState((state) => ({ failed: false, attempt: state.attempt + 1 }));

  override render(): ReactNode {
    if (this.state.failed) return <SurfaceFailed surface={this.props.surface} onRetry={this.retry} />;
    return <SurfaceAttempt key={this.state.attempt}>{this.props.children}</SurfaceAttempt>;
  }
}

/** A keyed wrapper: a new key remounts everything under it. */
function SurfaceAttempt({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

function SurfaceFailed({ surface, onRetry }: { surface: Surface; onRetry: () => void }) {
  const t = useT();
  return (
    <div className={`surface-failed ${surface}`} role="alert">
      <p>{t(`boundary.${surface}`)}</p>
      <button type="button" onClick={onRetry}>
        {t('boundary.retry')}
      </button>
    </div>
  );
}
