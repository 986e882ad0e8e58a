// Only the xor4096 generator is imported (not seedrandom's index, which pulls node:crypto into bundles).
declare module 'seedrandom/lib/xor4096.js' {
  interface Xor4096Prng {
    (): number;
    int32(): number;
    double(): number;
  }
  function xor4096(seed: string | number): Xor4096Prng;
  export default xor4096;
}
