//! Parallel maps (rayon) that stay on the calling thread when there is at
//! most one item: a one-file check (pre-commit, the editor, the page) never
//! starts the thread pool, whose threads cost a one-file run more than its
//! rules do.

use rayon::prelude::*;

/// `f(index, item)` for each of `items`, in order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < 2 {
        items.iter().enumerate().map(|(i, t)| f(i, t)).collect()
    } else {
        items.par_iter().enumerate().map(|(i, t)| f(i, t)).collect()
    }
}

/// The `Some` results of `f(index, item)`, in order.
pub fn filter_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(usize, &T) -> Option<R> + Sync + Send,
) -> Vec<R> {
    map(items, f).into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn order_is_kept_serial_or_parallel() {
        for n in [0, 1, 2, 1000] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                super::map(&items, |i, &x| (i, x * 2)),
                (0..n).map(|i| (i, i * 2)).collect::<Vec<_>>()
            );
            let odd = super::filter_map(&items, |_, &x| (x % 2 == 1).then_some(x));
            assert_eq!(odd, (0..n).filter(|x| x % 2 == 1).collect::<Vec<_>>());
        }
    }
}
