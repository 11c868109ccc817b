// Where-am-I bookkeeping for readable decode errors, and the per-item rejection policy
// shared by the protobuf and JSON decoders.
import { OtlpDecodeError, type DecodeOptions } from './types.js';
import { isAllZeroHex } from './encoding.js';

export const DEFAULT_MAX_DEPTH = 32;

/** Thrown inside an item's conversion when only that item is bad (see DecodeOptions). */
export class ItemRejected extends Error {}

export class DecodeContext {
  /** Path segments: property names and array indices. Pushed/popped as we walk, so the
   * happy path allocates no strings. */
  private readonly path: (string | number)[] = [];
  readonly maxDepth: number;
  private readonly onItemRejected: ((message: string) => void) | undefined;

  constructor(opts: DecodeOptions | undefined) {
    this.maxDepth = opts?.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.onItemRejected = opts?.onItemRejected;
  }

  push(seg: string | number): void {
    this.path.push(seg);
  }
  pop(): void {
    this.path.pop();
  }

  where(extra?: string): string {
    let s = '';
    for (const seg of this.path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
    if (extra !== undefined) s += s === '' ? extra : `.${extra}`;
    return s === '' ? '(top level)' : s;
  }

  /** A structural problem: the whole request is malformed. */
  fail(problem: string, field?: string): never {
    throw new OtlpDecodeError(`${this.where(field)}: ${problem}`);
  }

  /** A problem confined to the current item: rejects that item when the caller asked
   * for partial success, else the whole request. */
  itemProblem(problem: string, field?: string): never {
    const msg = `${this.where(field)}: ${problem}`;
    if (this.onItemRejected) throw new ItemRejected(msg);
    throw new OtlpDecodeError(msg);
  }

  /** Run one item's conversion; on ItemRejected report it and return undefined. Restores
   * the path depth so a rejection deep inside the item leaves the walk consistent. */
  item<T>(convert: () => T): T | undefined {
    const depth = this.path.length;
    try {
      return convert();
    } catch (e) {
      if (!(e instanceof ItemRejected)) throw e;
      this.path.length = depth;
      this.onItemRejected!(e.message);
      return undefined;
    }
  }

  /** Current path depth, to restore after a rejected item (see {@link rejectItem}). */
  get depth(): number {
    return this.path.length;
  }

  /** Report an item rejected outside {@link item} (the fast protobuf decoder's own loop). */
  rejectItem(e: ItemRejected, depth: number): void {
    this.path.length = depth;
    this.onItemRejected!(e.message);
  }

  /** Checks a decoded id (lower hex). `required` ids must be present and not all zero. */
  checkId(hex: string, bytes: 8 | 16, field: string, required: boolean): void {
    if (hex === '') {
      if (required) this.itemProblem(`missing ${bytes}-byte id`, field);
      return;
    }
    if (hex.length !== bytes * 2) {
      this.itemProblem(`id must be ${bytes} bytes, got ${hex.length / 2}`, field);
    }
    if (required && isAllZeroHex(hex)) this.itemProblem('id is all zeros (invalid)', field);
  }
}
