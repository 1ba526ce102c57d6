// Compile-time checks that a side's own types or lists match the contract.
// Written as `type _Checked = Assert<Same<A, B>>;`: the line fails to compile
// when the two drift apart, and produces no code.

/** Compiles only when given `true`. */
export type Assert<T extends true> = T;

/** True when A and B accept each other's values. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** True when the list names every member of the union (`satisfies readonly Union[]` keeps strangers out). */
export type NamesEvery<Union, List extends readonly unknown[]> = [Union] extends [List[number]] ? true : false;

/** What a value becomes on the wire: JSON turns dates into ISO strings. */
export type JsonOf<T> = T extends Date ? string : T extends readonly (infer U)[] ? JsonOf<U>[] : T extends object ? { [K in keyof T]: JsonOf<T[K]> } : T;
