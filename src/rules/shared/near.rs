//! Near misses: the known id (or name) a mistyped one was most likely meant to be.

/// Edit distance with transpositions (optimal string alignment), over bytes: ids are ASCII.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// The known id `id` was most likely meant to be: equal ignoring case, or at most two edits
/// away (and no more than half of the longer id, so `a` is not "close" to `b`). Ties go to the
/// id that sorts first.
pub fn closest<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .filter(|k| *k != id && k.len().abs_diff(id.len()) <= 2)
        .filter_map(|k| {
            if k.eq_ignore_ascii_case(id) {
                return Some(((0, 0), k));
            }
            let d = edit_distance(id, k);
            (d <= 2 && 2 * d <= k.len().max(id.len())).then_some(((1, d), k))
        })
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        let known = ["blinken", "ssu", "SSU-2", "gs", "b"];
        let near = |id| closest(id, known.iter().copied());
        assert_eq!(near("blinkin"), Some("blinken"));
        assert_eq!(near("bilnken"), Some("blinken"));
        assert_eq!(near("Blinken"), Some("blinken"));
        assert_eq!(near("ssu-2"), Some("SSU-2"));
        assert_eq!(near("sbu"), Some("ssu"));
        assert_eq!(near("a"), None);
        assert_eq!(near("xyz"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
