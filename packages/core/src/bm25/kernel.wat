;; Exhaustive BM25 scoring of one document window, in WebAssembly (see kernel.ts).
;;
;; Long queries read nearly every posting of their terms whatever the pruning (their bounds stay
;; loose), so what counts is the cost of one posting: here a load of its document, a load of its
;; impact and an add into a window-sized float64 buffer that stays in L1 cache, with no bounds
;; checks and no bookkeeping. Scores are exact: integer impacts times integer weights, summed in
;; float64 below 2^53, the same sums the TypeScript engine makes.
;;
;; Build: npx tsx packages/core/scripts/build-kernel.ts (writes kernel-wasm.ts; a test checks it
;; matches this file).
(module
  (import "env" "memory" (memory 1))

  ;; For each query term j < n: adds weight[j] · impacts[p] to acc[docs[p] − lo] for its postings
  ;; p from pos[j] on while docs[p] < hi and p < end[j], then stores the first posting it did not
  ;; take back in pos[j]. pos and end are u32 posting numbers, weight f64; docs, impacts u32
  ;; arrays; acc f64. Returns how many postings it added.
  (func (export "accumulate")
    (param $n i32) (param $posP i32) (param $endP i32) (param $weightP i32)
    (param $docsP i32) (param $impactsP i32) (param $accP i32) (param $lo i32) (param $hi i32)
    (result i32)
    (local $j i32) (local $p i32) (local $p0 i32) (local $e i32) (local $w f64) (local $x i32)
    (local $a i32) (local $added i32)
    (block $terms_done
      (loop $terms
        (br_if $terms_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $p (i32.load (i32.add (local.get $posP) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $p0 (local.get $p))
        (local.set $e (i32.load (i32.add (local.get $endP) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $w (f64.load (i32.add (local.get $weightP) (i32.shl (local.get $j) (i32.const 3)))))
        (block $postings_done
          (loop $postings
            (br_if $postings_done (i32.ge_u (local.get $p) (local.get $e)))
            (local.set $x (i32.load (i32.add (local.get $docsP) (i32.shl (local.get $p) (i32.const 2)))))
            (br_if $postings_done (i32.ge_u (local.get $x) (local.get $hi)))
            (local.set $a
              (i32.add (local.get $accP) (i32.shl (i32.sub (local.get $x) (local.get $lo)) (i32.const 3))))
            (f64.store (local.get $a)
              (f64.add (f64.load (local.get $a))
                (f64.mul (local.get $w)
                  (f64.convert_i32_u
                    (i32.load (i32.add (local.get $impactsP) (i32.shl (local.get $p) (i32.const 2))))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $postings)))
        (i32.store (i32.add (local.get $posP) (i32.shl (local.get $j) (i32.const 2))) (local.get $p))
        (local.set $added (i32.add (local.get $added) (i32.sub (local.get $p) (local.get $p0))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $terms)))
    (local.get $added))

  ;; As `accumulate`, for sparse queries (few postings per document): instead of a later pass
  ;; over the whole buffer, each document is written to outIdx (its window offset) when its sum
  ;; first reaches theta, so each at most once, in posting order. Returns how many it wrote; the
  ;; caller reads their sums from acc, then clears it (`clear`).
  (func (export "accumulateCrossing")
    (param $n i32) (param $posP i32) (param $endP i32) (param $weightP i32)
    (param $docsP i32) (param $impactsP i32) (param $accP i32) (param $lo i32) (param $hi i32)
    (param $theta f64) (param $outIdxP i32)
    (result i32)
    (local $j i32) (local $p i32) (local $e i32) (local $w f64) (local $x i32)
    (local $a i32) (local $added i32) (local $old f64) (local $new f64)
    (block $terms_done
      (loop $terms
        (br_if $terms_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $p (i32.load (i32.add (local.get $posP) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $e (i32.load (i32.add (local.get $endP) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $w (f64.load (i32.add (local.get $weightP) (i32.shl (local.get $j) (i32.const 3)))))
        (block $postings_done
          (loop $postings
            (br_if $postings_done (i32.ge_u (local.get $p) (local.get $e)))
            (local.set $x (i32.load (i32.add (local.get $docsP) (i32.shl (local.get $p) (i32.const 2)))))
            (br_if $postings_done (i32.ge_u (local.get $x) (local.get $hi)))
            (local.set $a
              (i32.add (local.get $accP) (i32.shl (i32.sub (local.get $x) (local.get $lo)) (i32.const 3))))
            (local.set $old (f64.load (local.get $a)))
            (local.set $new
              (f64.add (local.get $old)
                (f64.mul (local.get $w)
                  (f64.convert_i32_u
                    (i32.load (i32.add (local.get $impactsP) (i32.shl (local.get $p) (i32.const 2))))))))
            (f64.store (local.get $a) (local.get $new))
            (if (i32.and (f64.ge (local.get $new) (local.get $theta)) (f64.lt (local.get $old) (local.get $theta)))
              (then
                (i32.store (i32.add (local.get $outIdxP) (i32.shl (local.get $added) (i32.const 2)))
                  (i32.sub (local.get $x) (local.get $lo)))
                (local.set $added (i32.add (local.get $added) (i32.const 1)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $postings)))
        (i32.store (i32.add (local.get $posP) (i32.shl (local.get $j) (i32.const 2))) (local.get $p))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $terms)))
    (local.get $added))

  ;; Reads acc[0 … n − 1] (n a multiple of 4), four at a time with SIMD: writes each index whose
  ;; value is at least theta to outIdx (u32) and the value to outScore (f64), ascending, and
  ;; zeroes acc on the way. Returns how many it wrote.
  (func (export "collect")
    (param $accP i32) (param $n i32) (param $theta f64) (param $outIdxP i32) (param $outScoreP i32)
    (result i32)
    (local $i i32) (local $a i32) (local $t v128) (local $k i32) (local $v f64) (local $c i32)
    (local.set $t (f64x2.splat (local.get $theta)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a (i32.add (local.get $accP) (i32.shl (local.get $i) (i32.const 3))))
        (if (v128.any_true
              (v128.or
                (f64x2.ge (v128.load (local.get $a)) (local.get $t))
                (f64x2.ge (v128.load offset=16 (local.get $a)) (local.get $t))))
          (then
            (local.set $k (i32.const 0))
            (loop $lanes
              (local.set $v (f64.load (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 3)))))
              (if (f64.ge (local.get $v) (local.get $theta))
                (then
                  (i32.store (i32.add (local.get $outIdxP) (i32.shl (local.get $c) (i32.const 2)))
                    (i32.add (local.get $i) (local.get $k)))
                  (f64.store (i32.add (local.get $outScoreP) (i32.shl (local.get $c) (i32.const 3)))
                    (local.get $v))
                  (local.set $c (i32.add (local.get $c) (i32.const 1)))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $lanes (i32.lt_u (local.get $k) (i32.const 4))))))
        (v128.store (local.get $a) (v128.const i64x2 0 0))
        (v128.store offset=16 (local.get $a) (v128.const i64x2 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $blocks)))
    (local.get $c))

  ;; Block bounds (see doc-blocks.ts and QueryEngine.blocked): ub is an f32 per block of 16 documents
  ;; (the rarer terms' best sums), v the whole bound in fixed point, a u16 per block.

;; Bounds from the rarer query terms j < n: adds their postings start[j] … end[j] − 1 into
  ;; acc[doc] (f64, by document) and raises each document's block bound (f32, blocks of 16
  ;; documents) to its sum so far, rounded up. Sums only grow, so the last raise of each document
  ;; is by its final sum: one pass, term at a time (sequential reads; the sums' writes ascend
  ;; within a term), in runs of `ahead` postings where it is not 0 (see below). Returns the
  ;; largest bound. `zeroRare` clears the sums after the query.
  (func (export "rareBounds")
    (param $n i32) (param $startP i32) (param $endP i32) (param $weightP i32) (param $docsP i32)
    (param $impactsP i32) (param $accP i32) (param $ubP i32) (param $ahead i32) (result f32)
    (local $j i32) (local $p i32) (local $e i32) (local $w f64) (local $x i32) (local $a i32)
    (local $s f64) (local $u i32) (local $f v128) (local $most v128) (local $c i32) (local $q i32) (local $t i32)
    (block $terms_done
      (loop $terms
        (br_if $terms_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $p (i32.load (i32.add (local.get $startP) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $e (i32.load (i32.add (local.get $endP) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $w (f64.load (i32.add (local.get $weightP) (i32.shl (local.get $j) (i32.const 3)))))
        (block $postings_done
          (loop $chunks
            (br_if $postings_done (i32.ge_u (local.get $p) (local.get $e)))
            ;; With `ahead`, first one load of each of the next `ahead` postings' sums: where the
            ;; sums outgrow the caches each is a miss, and these independent loads overlap their
            ;; misses, where the adds below would wait on each in turn.
            (local.set $c (local.get $e))
            (if (local.get $ahead)
              (then
                (if (i32.lt_u (local.get $ahead) (i32.sub (local.get $e) (local.get $p)))
                  (then (local.set $c (i32.add (local.get $p) (local.get $ahead)))))
                (local.set $q (local.get $p))
                (loop $touch
                  (local.set $t (i32.xor (local.get $t)
                    (i32.load (i32.add (local.get $accP)
                      (i32.shl (i32.load (i32.add (local.get $docsP) (i32.shl (local.get $q) (i32.const 2)))) (i32.const 3))))))
                  (local.set $q (i32.add (local.get $q) (i32.const 1)))
                  (br_if $touch (i32.lt_u (local.get $q) (local.get $c))))))
            (loop $postings
              (local.set $x (i32.load (i32.add (local.get $docsP) (i32.shl (local.get $p) (i32.const 2)))))
              (local.set $a (i32.add (local.get $accP) (i32.shl (local.get $x) (i32.const 3))))
              (local.set $s
                (f64.add (f64.load (local.get $a))
                  (f64.mul (local.get $w)
                    (f64.convert_i32_u
                      (i32.load (i32.add (local.get $impactsP) (i32.shl (local.get $p) (i32.const 2))))))))
              (f64.store (local.get $a) (local.get $s))
              ;; float32 rounds to nearest, and 2^-11 over the sum keeps the bound (and the float32
              ;; sums of bounds made from it) above the scores; pmax is one branch-free instruction
              ;; (a select on floats may branch, and mispredict)
              (local.set $u
                (i32.add (local.get $ubP) (i32.shl (i32.shr_u (local.get $x) (i32.const 4)) (i32.const 2))))
              (local.set $f (f32x4.splat (f32.demote_f64 (f64.mul (f64.const 1.00048828125) (local.get $s)))))
              (f32.store (local.get $u)
                (f32x4.extract_lane 0 (f32x4.pmax (f32x4.splat (f32.load (local.get $u))) (local.get $f))))
              (local.set $most (f32x4.pmax (local.get $most) (local.get $f)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br_if $postings (i32.lt_u (local.get $p) (local.get $c))))
            (br $chunks)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $terms)))
    (f32x4.extract_lane 0 (local.get $most)))

  ;; Zeroes acc[doc] (f64) for the postings start[j] … end[j] − 1 of the terms j < n.
  (func (export "zeroRare") (param $n i32) (param $startP i32) (param $endP i32) (param $docsP i32) (param $accP i32)
    (local $j i32) (local $p i32) (local $e i32)
    (block $terms_done
      (loop $terms
        (br_if $terms_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $p (i32.load (i32.add (local.get $startP) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $e (i32.load (i32.add (local.get $endP) (i32.shl (local.get $j) (i32.const 2)))))
        (block $done
          (loop $postings
            (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
            (f64.store
              (i32.add (local.get $accP)
                (i32.shl (i32.load (i32.add (local.get $docsP) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3)))
              (f64.const 0))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $postings)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $terms))))

;; Dense terms: v[b] += s · max[b] + s2 · max2[b] (u16, saturating; s, s2 and the maxima u8)
  ;; for b < n (a multiple of 8), eight blocks at a time: integer multiply-adds, where float
  ;; bounds took five steps a term; two terms a pass halve the bounds' loads and stores (a single
  ;; term passes s2 = 0). Where ubP is not 0 (the first pass) v starts from the rarer terms'
  ;; bounds in fixed point, ⌈ub[b] · inv⌉ (ub f32; 0 stays 0), not from what v holds. Returns the
  ;; largest v.
  (func (export "boundDense") (param $vP i32) (param $maxP i32) (param $max2P i32) (param $n i32)
    (param $s i32) (param $s2 i32) (param $ubP i32) (param $inv f32) (result i32)
    (local $b i32) (local $sv v128) (local $sv2 v128) (local $a i32) (local $u i32) (local $x v128)
    (local $iv v128) (local $m v128)
    (local.set $sv (i8x16.splat (local.get $s)))
    (local.set $sv2 (i8x16.splat (local.get $s2)))
    (local.set $iv (f32x4.splat (local.get $inv)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $a (i32.add (local.get $vP) (i32.shl (local.get $b) (i32.const 1))))
        (if (local.get $ubP)
          (then
            (local.set $u (i32.add (local.get $ubP) (i32.shl (local.get $b) (i32.const 2))))
            (local.set $x
              (i16x8.narrow_i32x4_u
                (i32x4.trunc_sat_f32x4_u (f32x4.ceil (f32x4.mul (v128.load (local.get $u)) (local.get $iv))))
                (i32x4.trunc_sat_f32x4_u (f32x4.ceil (f32x4.mul (v128.load offset=16 (local.get $u)) (local.get $iv)))))))
          (else (local.set $x (v128.load (local.get $a)))))
        (local.set $x
          (i16x8.add_sat_u
            (i16x8.add_sat_u (local.get $x)
              (i16x8.extmul_low_i8x16_u (v128.load64_zero (i32.add (local.get $maxP) (local.get $b))) (local.get $sv)))
            (i16x8.extmul_low_i8x16_u (v128.load64_zero (i32.add (local.get $max2P) (local.get $b))) (local.get $sv2))))
        (v128.store (local.get $a) (local.get $x))
        (local.set $m (i16x8.max_u (local.get $m) (local.get $x)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $blocks)))
    ;; fold the eight lanes: halves, quarters, eighths
    (local.set $m (i16x8.max_u (local.get $m) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m))))
    (local.set $m (i16x8.max_u (local.get $m) (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $m) (local.get $m))))
    (local.set $m (i16x8.max_u (local.get $m) (i8x16.shuffle 2 3 0 1 2 3 0 1 2 3 0 1 2 3 0 1 (local.get $m) (local.get $m))))
    (i16x8.extract_lane_u 0 (local.get $m)))

  ;; Counts the blocks b < n (a multiple of 8) by bound: bin v[b] >> shift (< 256), in four
  ;; histograms of 256 u32 (b mod 4 picks one; zeroed first; the caller adds them), so that no
  ;; two neighbours count into the same word (such store-to-load chains would stall). Takes
  ;; eight blocks of every `step` (a multiple of 8): band sizes need only be about right.
  (func (export "histogram") (param $vP i32) (param $n i32) (param $shift i32) (param $histP i32) (param $step i32)
    (local $b i32) (local $a i32) (local $x v128)
    (memory.fill (local.get $histP) (i32.const 0) (i32.const 4096))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $x (i16x8.shr_u (v128.load (i32.add (local.get $vP) (i32.shl (local.get $b) (i32.const 1))))
          (local.get $shift)))
        (local.set $a (i32.add (local.get $histP) (i32.shl (i16x8.extract_lane_u 0 (local.get $x)) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $histP) (i32.shl (i16x8.extract_lane_u 1 (local.get $x)) (i32.const 2))))
        (i32.store offset=1024 (local.get $a) (i32.add (i32.load offset=1024 (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $histP) (i32.shl (i16x8.extract_lane_u 2 (local.get $x)) (i32.const 2))))
        (i32.store offset=2048 (local.get $a) (i32.add (i32.load offset=2048 (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $histP) (i32.shl (i16x8.extract_lane_u 3 (local.get $x)) (i32.const 2))))
        (i32.store offset=3072 (local.get $a) (i32.add (i32.load offset=3072 (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $histP) (i32.shl (i16x8.extract_lane_u 4 (local.get $x)) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $histP) (i32.shl (i16x8.extract_lane_u 5 (local.get $x)) (i32.const 2))))
        (i32.store offset=1024 (local.get $a) (i32.add (i32.load offset=1024 (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $histP) (i32.shl (i16x8.extract_lane_u 6 (local.get $x)) (i32.const 2))))
        (i32.store offset=2048 (local.get $a) (i32.add (i32.load offset=2048 (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $histP) (i32.shl (i16x8.extract_lane_u 7 (local.get $x)) (i32.const 2))))
        (i32.store offset=3072 (local.get $a) (i32.add (i32.load offset=3072 (local.get $a)) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (local.get $step)))
        (br $blocks))))

  ;; Writes to sel (u32) each block b < n (a multiple of 8) with lo ≤ v[b] ≤ hi (u16), ascending;
  ;; returns how many. Eight blocks a step; the matches' lanes are read off a bit mask.
  (func (export "selectBlocks")
    (param $vP i32) (param $n i32) (param $lo i32) (param $hi i32) (param $selP i32) (result i32)
    (local $b i32) (local $c i32) (local $bits i32) (local $l v128) (local $h v128) (local $x v128)
    (local.set $l (i16x8.splat (local.get $lo)))
    (local.set $h (i16x8.splat (local.get $hi)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $x (v128.load (i32.add (local.get $vP) (i32.shl (local.get $b) (i32.const 1)))))
        (local.set $bits
          (i16x8.bitmask (v128.and (i16x8.ge_u (local.get $x) (local.get $l)) (i16x8.le_u (local.get $x) (local.get $h)))))
        (block $lanes_done
          (loop $lanes
            (br_if $lanes_done (i32.eqz (local.get $bits)))
            (i32.store (i32.add (local.get $selP) (i32.shl (local.get $c) (i32.const 2)))
              (i32.add (local.get $b) (i32.ctz (local.get $bits))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
            (br $lanes)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $blocks)))
    (local.get $c))

;; A dense term: for each of the ns blocks in sel, adds its postings start[b] … start[b + 1] − 1
  ;; into acc (f64, by document), weight w, and where bestP is not 0 raises best[i] (f64) to the
  ;; block's largest new sum. The ranges are gathered first into spans (u32 pairs): those loads
  ;; are independent, so their cache misses overlap instead of waiting on the postings.
  (func (export "addDense")
    (param $selP i32) (param $ns i32) (param $startP i32) (param $w f64)
    (param $docsP i32) (param $impactsP i32) (param $accP i32) (param $spanP i32) (param $bestP i32)
    (local $i i32) (local $s i32) (local $p i32) (local $q i32) (local $a i32) (local $o i32)
    (local $v f64) (local $m f64)
    (block $gathered
      (loop $gather
        (br_if $gathered (i32.ge_u (local.get $i) (local.get $ns)))
        (local.set $s (i32.add (local.get $startP)
          (i32.shl (i32.load (i32.add (local.get $selP) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 2))))
        (i64.store (i32.add (local.get $spanP) (i32.shl (local.get $i) (i32.const 3))) (i64.load (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $gather)))
    ;; Then one load from each span's postings, for the same reason.
    (local.set $i (i32.const 0))
    (block $touched
      (loop $touch
        (br_if $touched (i32.ge_u (local.get $i) (local.get $ns)))
        (local.set $p (i32.load (i32.add (local.get $spanP) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $a (i32.xor (local.get $a)
          (i32.xor
            (i32.load (i32.add (local.get $docsP) (i32.shl (local.get $p) (i32.const 2))))
            (i32.load (i32.add (local.get $impactsP) (i32.shl (local.get $p) (i32.const 2)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $touch)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $ns)))
        (local.set $o (i32.add (local.get $spanP) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $p (i32.load (local.get $o)))
        (local.set $q (i32.load offset=4 (local.get $o)))
        (local.set $m (f64.const 0))
        (block $empty
          (loop $postings
            (br_if $empty (i32.ge_u (local.get $p) (local.get $q)))
            (local.set $a (i32.add (local.get $accP)
              (i32.shl (i32.load (i32.add (local.get $docsP) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3))))
            (local.set $v
              (f64.add (f64.load (local.get $a))
                (f64.mul (local.get $w)
                  (f64.convert_i32_u
                    (i32.load (i32.add (local.get $impactsP) (i32.shl (local.get $p) (i32.const 2))))))))
            (f64.store (local.get $a) (local.get $v))
            (local.set $m (f64.max (local.get $m) (local.get $v)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $postings)))
        (if (local.get $bestP)
          (then
            (local.set $a (i32.add (local.get $bestP) (i32.shl (local.get $i) (i32.const 3))))
            (f64.store (local.get $a) (f64.max (f64.load (local.get $a)) (local.get $m)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $blocks))))

;; For each of the ns blocks b in sel: rest[i] += scale · max[b] (rest f64, max u8): what a
  ;; dense term can still add in each block (a negative scale takes it off again).
  (func (export "gatherRest")
    (param $selP i32) (param $ns i32) (param $maxP i32) (param $scale f64) (param $restP i32)
    (local $i i32) (local $a i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $ns)))
        (local.set $a (i32.add (local.get $restP) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $a)
          (f64.add (f64.load (local.get $a))
            (f64.mul (local.get $scale)
              (f64.convert_i32_u (i32.load8_u (i32.add (local.get $maxP)
                (i32.load (i32.add (local.get $selP) (i32.shl (local.get $i) (i32.const 2))))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $blocks))))

  ;; Keeps, in order, the blocks fromSel[i] (i < ns) where their best sum plus rest[i] reaches
  ;; theta, writing them to toSel, their rest to rest[kept] and best sum to best[kept] (in place:
  ;; toSel may be fromSel). The best sum is best[i], or where fromBounds is set the block's bound
  ;; from the rarer terms (ub, f32: their best sum there, rounded up; no common term is added yet).
  ;; Returns how many it kept.
  (func (export "pruneBlocks")
    (param $fromP i32) (param $toP i32) (param $ns i32) (param $restP i32) (param $ubP i32)
    (param $theta f64) (param $bestP i32) (param $fromBounds i32) (result i32)
    (local $i i32) (local $b i32) (local $best f64) (local $r f64) (local $kept i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $ns)))
        (local.set $b (i32.load (i32.add (local.get $fromP) (i32.shl (local.get $i) (i32.const 2)))))
        (if (local.get $fromBounds)
          (then
            (local.set $best (f64.promote_f32 (f32.load (i32.add (local.get $ubP) (i32.shl (local.get $b) (i32.const 2)))))))
          (else
            (local.set $best (f64.load (i32.add (local.get $bestP) (i32.shl (local.get $i) (i32.const 3)))))))
        (local.set $r (f64.load (i32.add (local.get $restP) (i32.shl (local.get $i) (i32.const 3)))))
        (if (f64.ge (f64.add (local.get $best) (local.get $r)) (local.get $theta))
          (then
            (i32.store (i32.add (local.get $toP) (i32.shl (local.get $kept) (i32.const 2))) (local.get $b))
            (f64.store (i32.add (local.get $restP) (i32.shl (local.get $kept) (i32.const 3))) (local.get $r))
            (f64.store (i32.add (local.get $bestP) (i32.shl (local.get $kept) (i32.const 3))) (local.get $best))
            (local.set $kept (i32.add (local.get $kept) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $blocks)))
    (local.get $kept))

  ;; For the blocks sel[i0 … i1 − 1] (16 documents each): writes each document whose acc is at
  ;; least theta to outIdx (u32) and its sum to outScore (f64), ascending within each block,
  ;; and zeroes acc there. Returns how many it wrote. A block is compared whole with SIMD first:
  ;; most hold no such document.
  (func (export "collectBlocks")
    (param $selP i32) (param $i0 i32) (param $i1 i32) (param $accP i32) (param $theta f64)
    (param $outIdxP i32) (param $outScoreP i32) (result i32)
    (local $i i32) (local $d i32) (local $d1 i32) (local $v f64) (local $c i32) (local $a i32)
    (local $t v128)
    (local.set $t (f64x2.splat (local.get $theta)))
    (local.set $i (local.get $i0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $d (i32.shl (i32.load (i32.add (local.get $selP) (i32.shl (local.get $i) (i32.const 2))))
          (i32.const 4)))
        (local.set $a (i32.add (local.get $accP) (i32.shl (local.get $d) (i32.const 3))))
        (if (v128.any_true
              (v128.or
                (v128.or
                  (v128.or (f64x2.ge (v128.load (local.get $a)) (local.get $t))
                    (f64x2.ge (v128.load offset=16 (local.get $a)) (local.get $t)))
                  (v128.or (f64x2.ge (v128.load offset=32 (local.get $a)) (local.get $t))
                    (f64x2.ge (v128.load offset=48 (local.get $a)) (local.get $t))))
                (v128.or
                  (v128.or (f64x2.ge (v128.load offset=64 (local.get $a)) (local.get $t))
                    (f64x2.ge (v128.load offset=80 (local.get $a)) (local.get $t)))
                  (v128.or (f64x2.ge (v128.load offset=96 (local.get $a)) (local.get $t))
                    (f64x2.ge (v128.load offset=112 (local.get $a)) (local.get $t))))))
          (then
            (local.set $d1 (i32.add (local.get $d) (i32.const 16)))
            (loop $docs
              (local.set $v (f64.load (i32.add (local.get $accP) (i32.shl (local.get $d) (i32.const 3)))))
              (if (f64.ge (local.get $v) (local.get $theta))
                (then
                  (i32.store (i32.add (local.get $outIdxP) (i32.shl (local.get $c) (i32.const 2))) (local.get $d))
                  (f64.store (i32.add (local.get $outScoreP) (i32.shl (local.get $c) (i32.const 3))) (local.get $v))
                  (local.set $c (i32.add (local.get $c) (i32.const 1)))))
              (local.set $d (i32.add (local.get $d) (i32.const 1)))
              (br_if $docs (i32.lt_u (local.get $d) (local.get $d1))))))
        (v128.store (local.get $a) (v128.const i64x2 0 0))
        (v128.store offset=16 (local.get $a) (v128.const i64x2 0 0))
        (v128.store offset=32 (local.get $a) (v128.const i64x2 0 0))
        (v128.store offset=48 (local.get $a) (v128.const i64x2 0 0))
        (v128.store offset=64 (local.get $a) (v128.const i64x2 0 0))
        (v128.store offset=80 (local.get $a) (v128.const i64x2 0 0))
        (v128.store offset=96 (local.get $a) (v128.const i64x2 0 0))
        (v128.store offset=112 (local.get $a) (v128.const i64x2 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $blocks)))
    (local.get $c))

  ;; Zeroes acc[0 … n − 1] (f64).
  (func (export "clear") (param $accP i32) (param $n i32)
    (memory.fill (local.get $accP) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))))
