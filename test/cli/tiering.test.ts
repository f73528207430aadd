import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ONE_PASS_INTERRUPT_BUDGET, resetTieringForTests, tuneTieringForOnePass } from '../../src/cli/tiering';

const NODE_20_V8 = '11.3.244.8-node.38';

describe('tuneTieringForOnePass', () => {
  beforeEach(() => resetTieringForTests());
  afterAll(() => resetTieringForTests());

  it('raises the interrupt budget to eight times V8 11.3 default, once per process', () => {
    const set = jest.fn();
    expect(tuneTieringForOnePass(NODE_20_V8, set)).toBe(true);
    expect(set).toHaveBeenCalledWith('--interrupt-budget=540672');
    expect(ONE_PASS_INTERRUPT_BUDGET).toBe(540_672);
    expect(tuneTieringForOnePass(NODE_20_V8, set)).toBe(false);
    expect(set).toHaveBeenCalledTimes(1);
  });

  it('leaves V8 versions it was not measured on alone (an unknown flag would print an error)', () => {
    const set = jest.fn();
    for (const version of ['12.4.254.21-node.33', '13.6.233.10-node.18', '10.2.154.26-node.26', '']) {
      expect(tuneTieringForOnePass(version, set)).toBe(false);
    }
    expect(set).not.toHaveBeenCalled();
  });

  it('ignores a V8 that refuses the flag', () => {
    expect(
      tuneTieringForOnePass(NODE_20_V8, () => {
        throw new Error('refused');
      }),
    ).toBe(false);
  });

  it("on this machine's Node: sets the flag without a word on stderr when measured, else does nothing", () => {
    const script = `process.stdout.write(String(require(${JSON.stringify(join(__dirname, '../../dist/src/cli/tiering.js'))}).tuneTieringForOnePass()))`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(String(/^11\.3\./.test(process.versions.v8)));
  });
});
