import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes the first item alone and those arriving meanwhile together, resolving each after its write', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const group = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = group.add(1);
    const rest = [group.add(2), group.add(3), group.add(4)];
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects the items of a failed write only', async () => {
    let fail = true;
    const group = new GroupCommit<number>(async () => {
      if (fail) {
        fail = false;
        throw new Error('database down');
      }
    });
    await expect(group.add(1)).rejects.toThrow('database down');
    await expect(group.add(2)).resolves.toBeUndefined();
  });
});
