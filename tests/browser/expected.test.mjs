// The browser test's oracle checked against `sledger score egfr` (CKD-EPI 2021) and the
// SLEDAI-2K weights, so a wrong expectation cannot pass unnoticed: `node --test tests/browser`.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ckdEpi2021, expectedVisit, SLEDAI_WEIGHTS } from './expected.mjs';

test('CKD-EPI 2021 as sledger score egfr computes it', () => {
  assert.equal(ckdEpi2021(1.2, 55, false), 71);
  assert.equal(ckdEpi2021(0.9, 42, true), 82);
  assert.equal(ckdEpi2021(0.5, 30, true), 129);
});

test('the 24 SLEDAI-2K descriptors weigh 105 in all', () => {
  const weights = Object.values(SLEDAI_WEIGHTS);
  assert.equal(weights.length, 24);
  assert.equal(weights.reduce((a, b) => a + b, 0), 105);
});

test('the entered visit: SLEDAI-2K 8, eGFR as at baseline, complete response', () => {
  const v = expectedVisit(new Date(Date.UTC(2026, 10, 28)));
  assert.deepEqual(
    { date: v.date, sledai2k: v.sledai2k, egfr: v.egfr, response: v.response },
    { date: '2026-11-28', sledai2k: '8', egfr: 82, response: 'complete' },
  );
  // Born 1984-06: 41 completed years in May 2026, 42 from June.
  assert.equal(expectedVisit(new Date(Date.UTC(2026, 4, 1))).egfr, ckdEpi2021(0.9, 41, true));
});
