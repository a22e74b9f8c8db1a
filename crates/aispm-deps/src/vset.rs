//! Sets of versions as unions of intervals, for any totally ordered version type.
//!
//! A requirement (`>=1.2,<2`, `^1.2.3`) and an advisory's affected ranges are both
//! such sets, so "does this requirement admit an affected version?" is an
//! intersection and "is every admitted version affected?" is a subset test. The
//! version space is treated as dense: an open interval `(a, b)` with `a < b` is never
//! empty, which is the safe reading (there is no way to know which versions exist).

use std::cmp::Ordering;

/// One end of an interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound<V> {
    /// No bound: minus infinity as a lower bound, plus infinity as an upper bound.
    Unbounded,
    Included(V),
    Excluded(V),
}

/// A non-empty interval `lo .. hi`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval<V> {
    pub lo: Bound<V>,
    pub hi: Bound<V>,
}

/// Orders two lower bounds: `Unbounded < Included(x) < Excluded(x)`.
fn cmp_lo<V: Ord>(a: &Bound<V>, b: &Bound<V>) -> Ordering {
    use Bound::*;
    match (a, b) {
        (Unbounded, Unbounded) => Ordering::Equal,
        (Unbounded, _) => Ordering::Less,
        (_, Unbounded) => Ordering::Greater,
        (Included(x), Included(y)) | (Excluded(x), Excluded(y)) => x.cmp(y),
        (Included(x), Excluded(y)) => x.cmp(y).then(Ordering::Less),
        (Excluded(x), Included(y)) => x.cmp(y).then(Ordering::Greater),
    }
}

/// Orders two upper bounds: `Excluded(x) < Included(x) < Unbounded`.
fn cmp_hi<V: Ord>(a: &Bound<V>, b: &Bound<V>) -> Ordering {
    use Bound::*;
    match (a, b) {
        (Unbounded, Unbounded) => Ordering::Equal,
        (Unbounded, _) => Ordering::Greater,
        (_, Unbounded) => Ordering::Less,
        (Included(x), Included(y)) | (Excluded(x), Excluded(y)) => x.cmp(y),
        (Included(x), Excluded(y)) => x.cmp(y).then(Ordering::Greater),
        (Excluded(x), Included(y)) => x.cmp(y).then(Ordering::Less),
    }
}

impl<V: Ord + Clone> Interval<V> {
    fn is_empty(&self) -> bool {
        use Bound::*;
        match (&self.lo, &self.hi) {
            (Unbounded, _) | (_, Unbounded) => false,
            (Included(a), Included(b)) => a > b,
            (Included(a), Excluded(b))
            | (Excluded(a), Included(b))
            | (Excluded(a), Excluded(b)) => a >= b,
        }
    }

    fn contains(&self, v: &V) -> bool {
        let above = match &self.lo {
            Bound::Unbounded => true,
            Bound::Included(x) => v >= x,
            Bound::Excluded(x) => v > x,
        };
        let below = match &self.hi {
            Bound::Unbounded => true,
            Bound::Included(x) => v <= x,
            Bound::Excluded(x) => v < x,
        };
        above && below
    }

    /// Whether `self` (which starts no later than `next`) overlaps or touches `next`,
    /// so that the two can be merged into one interval.
    fn touches(&self, next: &Interval<V>) -> bool {
        use Bound::*;
        match (&self.hi, &next.lo) {
            (Unbounded, _) | (_, Unbounded) => true,
            (Included(a), Included(b)) => a >= b,
            (Included(a), Excluded(b)) | (Excluded(a), Included(b)) => a >= b,
            (Excluded(a), Excluded(b)) => a > b,
        }
    }
}

/// A union of disjoint, non-empty intervals, kept sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSet<V> {
    intervals: Vec<Interval<V>>,
}

impl<V: Ord + Clone> Default for VersionSet<V> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<V: Ord + Clone> VersionSet<V> {
    pub fn empty() -> Self {
        VersionSet {
            intervals: Vec::new(),
        }
    }

    pub fn full() -> Self {
        Self::interval(Bound::Unbounded, Bound::Unbounded)
    }

    pub fn interval(lo: Bound<V>, hi: Bound<V>) -> Self {
        Self::from_intervals(vec![Interval { lo, hi }])
    }

    pub fn point(v: V) -> Self {
        Self::interval(Bound::Included(v.clone()), Bound::Included(v))
    }

    pub fn at_least(v: V) -> Self {
        Self::interval(Bound::Included(v), Bound::Unbounded)
    }

    pub fn above(v: V) -> Self {
        Self::interval(Bound::Excluded(v), Bound::Unbounded)
    }

    pub fn at_most(v: V) -> Self {
        Self::interval(Bound::Unbounded, Bound::Included(v))
    }

    pub fn below(v: V) -> Self {
        Self::interval(Bound::Unbounded, Bound::Excluded(v))
    }

    /// Builds a set from any intervals: empty ones are dropped, the rest sorted and
    /// merged.
    pub fn from_intervals(mut ivs: Vec<Interval<V>>) -> Self {
        ivs.retain(|i| !i.is_empty());
        ivs.sort_by(|a, b| cmp_lo(&a.lo, &b.lo));
        let mut out: Vec<Interval<V>> = Vec::with_capacity(ivs.len());
        for iv in ivs {
            match out.last_mut() {
                Some(last) if last.touches(&iv) => {
                    if cmp_hi(&iv.hi, &last.hi) == Ordering::Greater {
                        last.hi = iv.hi;
                    }
                }
                _ => out.push(iv),
            }
        }
        VersionSet { intervals: out }
    }

    pub fn intervals(&self) -> &[Interval<V>] {
        &self.intervals
    }

    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    pub fn contains(&self, v: &V) -> bool {
        self.intervals.iter().any(|i| i.contains(v))
    }

    pub fn union(&self, other: &Self) -> Self {
        let mut all = self.intervals.clone();
        all.extend(other.intervals.iter().cloned());
        Self::from_intervals(all)
    }

    pub fn intersect(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        for a in &self.intervals {
            for b in &other.intervals {
                let lo = if cmp_lo(&a.lo, &b.lo) == Ordering::Greater {
                    a.lo.clone()
                } else {
                    b.lo.clone()
                };
                let hi = if cmp_hi(&a.hi, &b.hi) == Ordering::Less {
                    a.hi.clone()
                } else {
                    b.hi.clone()
                };
                out.push(Interval { lo, hi });
            }
        }
        Self::from_intervals(out)
    }

    pub fn complement(&self) -> Self {
        let flip = |b: &Bound<V>| match b {
            Bound::Unbounded => Bound::Unbounded,
            Bound::Included(v) => Bound::Excluded(v.clone()),
            Bound::Excluded(v) => Bound::Included(v.clone()),
        };
        let mut out = Vec::with_capacity(self.intervals.len() + 1);
        let mut lo = Bound::Unbounded;
        let mut open_ended = true;
        for iv in &self.intervals {
            if !matches!(iv.lo, Bound::Unbounded) {
                out.push(Interval {
                    lo: lo.clone(),
                    hi: flip(&iv.lo),
                });
            }
            match &iv.hi {
                Bound::Unbounded => {
                    open_ended = false;
                    break;
                }
                hi => lo = flip(hi),
            }
        }
        if open_ended {
            out.push(Interval {
                lo,
                hi: Bound::Unbounded,
            });
        }
        Self::from_intervals(out)
    }

    pub fn difference(&self, other: &Self) -> Self {
        self.intersect(&other.complement())
    }

    pub fn is_subset_of(&self, other: &Self) -> bool {
        self.difference(other).is_empty()
    }

    pub fn overlaps(&self, other: &Self) -> bool {
        !self.intersect(other).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type S = VersionSet<u32>;

    #[test]
    fn set_algebra() {
        let a = S::interval(Bound::Included(1), Bound::Excluded(5));
        let b = S::interval(Bound::Included(3), Bound::Included(8));
        assert_eq!(
            a.union(&b),
            S::interval(Bound::Included(1), Bound::Included(8))
        );
        assert_eq!(
            a.intersect(&b),
            S::interval(Bound::Included(3), Bound::Excluded(5))
        );
        assert!(S::point(3).is_subset_of(&a));
        assert!(!S::point(5).is_subset_of(&a));
        assert!(a.complement().contains(&5));
        assert!(!a.complement().contains(&4));
        assert!(a.complement().complement() == a);
        assert!(S::full().complement().is_empty());
        assert!(S::empty().complement() == S::full());
        // A hole at one point stays a hole.
        let holed = S::below(4).union(&S::above(4));
        assert!(!holed.contains(&4));
        assert!(holed.contains(&3));
        assert!(S::point(4).is_subset_of(&holed.complement()));
        // Touching intervals merge.
        let m = S::below(4).union(&S::at_least(4));
        assert_eq!(m, S::full());
    }
}
