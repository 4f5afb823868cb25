/** Related-article quality against planted topic clusters (the benchmark at a small size). */
import { describe, expect, it } from 'vitest';
import { measureQuality, plantedCorpus } from '../src/bench/plantedCorpus.js';
import { memorySource } from '../src/load/source.js';
import { testConfig } from './support/site.js';

describe('related articles on a corpus with planted topic clusters', () => {
  const corpus = plantedCorpus(600, 7);
  const report = measureQuality(memorySource(corpus.files), corpus.clusterOf, testConfig());

  it('find the planted cluster: precision@5 of at least 0.85', () => {
    expect(report.articles).toBe(600);
    expect(report.precisionAt5).toBeGreaterThanOrEqual(0.85);
  });

  it('give both versions of every translated pair the same list, in the same order', () => {
    expect(report.pairs).toBeGreaterThan(400);
    expect(report.agreement).toBe(1);
  });
});
