/** A typed array of numbers (not of bigints). */
export type NumberArray = Exclude<NodeJS.TypedArray, BigInt64Array | BigUint64Array>;

/**
 * Hands out small typed arrays, copies of `values`, as views into large
 * blocks. Tens of thousands of versions each own a few short arrays; one allocation each would cost
 * more in allocator overhead and fragmentation than the numbers themselves.
 */
export function arena<A extends NumberArray>(make: (length: number) => A, blockLength = 1 << 18): (values: ArrayLike<number>) => A {
  let block = make(0);
  let used = 0;
  return (values) => {
    if (used + values.length > block.length) {
      block = make(Math.max(blockLength, values.length));
      used = 0;
    }
    const view = block.subarray(used, used + values.length) as A;
    view.set(values);
    used += values.length;
    return view;
  };
}
