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

  ;; Zeroes acc[0 … n − 1] (f64).
  (func (export "clear") (param $accP i32) (param $n i32)
    (memory.fill (local.get $accP) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))))
