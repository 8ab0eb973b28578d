/**
 * Which WebContents events end a window's runs, replayed in the order Electron emits them (a
 * renderer-initiated navigation: did-start-navigation, then will-navigate, which may cancel it;
 * did-navigate only once it commits), against the real TrainerHost and the real navigation guard.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ControlToTrainer } from '../../core/contract/control-protocol';
import { endRunsWithPage, type PageEvents } from '../../main/electron-main/page-runs';
import { hardenContents } from '../../main/electron-main/security';
import { TrainerHost, type TrainerChild } from '../../main/electron-main/trainer-host';

class FakeContents extends EventEmitter {
  setWindowOpenHandler(): void {}
}

function setup() {
  const contents = new FakeContents();
  const killed: string[] = [];
  const host = new TrainerHost<object, FakeContents>({
    spawn: (runId): TrainerChild<object> => ({
      send: (_m: ControlToTrainer) => {},
      onMessage: () => {},
      onExit: () => {},
      kill: () => void killed.push(runId),
    }),
    createChannel: () => ({ ui: {}, trainer: {} }),
    deliverPort: () => {},
    notify: () => {},
    maxProcesses: 4,
  });
  // As main/index.ts wires a window: the navigation guard first, then the run life cycle.
  hardenContents(contents);
  endRunsWithPage(contents as FakeContents & PageEvents, (owner) => host.closeOwner(owner));
  const run = host.open(contents);
  return { contents, host, run, killed };
}

/** A renderer-initiated navigation to `url`, as Electron reports it; true if it committed. */
function navigate(contents: FakeContents, url: string): boolean {
  contents.emit('did-start-navigation', { url, isSameDocument: false, isMainFrame: true, preventDefault() {} });
  let prevented = false;
  contents.emit('will-navigate', { url, preventDefault: () => (prevented = true) }, url);
  if (prevented) return false;
  contents.emit('did-navigate', {}, url, 200, 'OK');
  return true;
}

describe('a window’s runs and its page', () => {
  it('a navigation the guard cancels leaves the runs alone', () => {
    const { contents, host, run, killed } = setup();
    expect(navigate(contents, 'https://evil.example/')).toBe(false);
    expect(host.stateOf(run)?.state).toBe('live');
    expect(killed).toEqual([]);
  });

  it('an in-page navigation leaves them alone', () => {
    const { contents, host, run } = setup();
    contents.emit('did-start-navigation', { url: 'app://nnlab/index.html#x', isSameDocument: true, isMainFrame: true });
    contents.emit('did-navigate-in-page', {}, 'app://nnlab/index.html#x', true);
    expect(host.stateOf(run)?.state).toBe('live');
  });

  it('a committed navigation (a reload) ends them', () => {
    const { contents, host, run, killed } = setup();
    contents.emit('did-start-navigation', { url: 'app://nnlab/index.html', isSameDocument: false, isMainFrame: true });
    expect(host.stateOf(run)?.state).toBe('live');
    contents.emit('did-navigate', {}, 'app://nnlab/index.html', 200, 'OK');
    expect(host.stateOf(run)).toBeNull();
    expect(killed).toEqual([run]);
  });

  it('a crashed or killed renderer ends them', () => {
    const { contents, host, run, killed } = setup();
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(host.stateOf(run)).toBeNull();
    expect(killed).toEqual([run]);
  });

  it('a closed window ends them', () => {
    const { contents, host, run } = setup();
    contents.emit('destroyed');
    expect(host.stateOf(run)).toBeNull();
  });
});
