import { describe, expect, it } from 'vitest';
import { growthExponent, niceCeiling, renderPlot, slope } from '../bench/support/svg-plot.ts';

describe('scale benchmark plots', () => {
  it('tells linear, flat and quadratic growth apart', () => {
    expect(
      growthExponent([
        [10_000, 100],
        [20_000, 200],
        [30_000, 300],
      ]),
    ).toBeCloseTo(1);
    expect(
      growthExponent([
        [10_000, 40],
        [30_000, 40],
      ]),
    ).toBeCloseTo(0);
    expect(
      growthExponent([
        [10_000, 1],
        [30_000, 9],
      ]),
    ).toBeCloseTo(2);
    expect(
      growthExponent([
        [0, 5],
        [10_000, 5],
      ]),
    ).toBeUndefined();
  });

  it('fits memory per pod as a least-squares slope', () => {
    const mb = (pods: number) => 60 + pods * 0.004 + (pods % 20_000 === 0 ? 1 : -1);
    const perThousand = slope([0, 10_000, 20_000, 30_000].map((p) => [p, mb(p)] as [number, number])) * 1000;
    expect(perThousand).toBeGreaterThan(3.5);
    expect(perThousand).toBeLessThan(4.5);
  });

  it('rounds axes up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 7, 12, 480, 30_000, 31_000].map(niceCeiling)).toEqual([1, 0.5, 10, 20, 500, 50_000, 50_000]);
  });

  it('draws one line per series, the target, and escapes text', () => {
    const svg = renderPlot({
      title: 'p99 <list>',
      xLabel: 'pods',
      yLabel: 'ms',
      series: [
        {
          name: 'p50',
          points: [
            [10_000, 5],
            [30_000, 9],
          ],
        },
        {
          name: 'p99',
          points: [
            [10_000, 20],
            [30_000, 40],
          ],
        },
      ],
      target: { value: 50, label: 'target' },
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('p99 &lt;list&gt;');
    expect(svg).toContain('>30k<');
  });
});
