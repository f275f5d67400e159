/**
 * The part of jStat (plain JavaScript, no bundled types) that DermaQuant uses. Only shared/stats/
 * distributions.ts imports it; everything else goes through that typed wrapper.
 */
declare module 'jstat' {
  interface ContinuousDistribution {
    pdf(x: number, ...params: number[]): number;
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  interface JStatStatic {
    studentt: ContinuousDistribution;
    chisquare: ContinuousDistribution;
    normal: ContinuousDistribution;
  }
  const jStat: JStatStatic;
  export default jStat;
}
