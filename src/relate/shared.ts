interface TypedArrayType<A> {
  new (buffer: SharedArrayBuffer): A;
  readonly BYTES_PER_ELEMENT: number;
}

/** A zeroed typed array in memory that worker threads can share without copying (see `parallel.ts`). */
export function sharedArray<A>(type: TypedArrayType<A>, length: number): A {
  return new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT));
}

/** `values` copied into shared memory. */
export function sharedCopy<A extends { set(values: ArrayLike<number>): void }>(type: TypedArrayType<A>, values: ArrayLike<number>): A {
  const copy = sharedArray(type, values.length);
  copy.set(values);
  return copy;
}
