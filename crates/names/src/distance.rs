//! One edit between two names, with its kind: what a typo looks like.

/// The edit that turns a popular name into the squatting one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Two neighbouring letters swapped (`reqeusts`).
    Swapped(char, char),
    /// A letter typed twice (`requestss`).
    Doubled(char),
    /// A letter added (`requestes`).
    Added(char),
    /// A letter dropped (`reqests`).
    Dropped(char),
    /// A letter replaced; `neighbour` when the keys touch on a QWERTY keyboard (`requezts`).
    Replaced {
        from: char,
        to: char,
        neighbour: bool,
    },
}

impl std::fmt::Display for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Edit::Swapped(a, b) => write!(f, "`{a}{b}` swapped"),
            Edit::Doubled(c) => write!(f, "`{c}` doubled"),
            Edit::Added(c) => write!(f, "`{c}` added"),
            Edit::Dropped(c) => write!(f, "`{c}` dropped"),
            Edit::Replaced {
                from,
                to,
                neighbour: true,
            } => write!(f, "`{from}` replaced by the neighbouring key `{to}`"),
            Edit::Replaced { from, to, .. } => write!(f, "`{from}` replaced by `{to}`"),
        }
    }
}

/// The single edit that turns `popular` into `name`, if exactly one does. Changed digits
/// (`boto2`/`boto3`) are versions, not typos.
pub fn one_edit(name: &str, popular: &str) -> Option<Edit> {
    // Cheap rejection first (this runs against thousands of names per check): beyond the
    // common head and tail, a single edit leaves at most two differing characters.
    let (nb, pb) = (name.as_bytes(), popular.as_bytes());
    let head = nb.iter().zip(pb).take_while(|(x, y)| x == y).count();
    let tail = nb[head..]
        .iter()
        .rev()
        .zip(pb[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    if nb.len() - head - tail > 8 || pb.len() - head - tail > 8 {
        return None;
    }
    let a: Vec<char> = name.chars().collect();
    let b: Vec<char> = popular.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (da, db) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    match (da, db) {
        ([x], [y]) if x.is_ascii_digit() && y.is_ascii_digit() => None,
        ([to], [from]) => Some(Edit::Replaced {
            from: *from,
            to: *to,
            neighbour: keyboard_neighbours(*from, *to),
        }),
        ([x, y], [p, q]) if x == q && y == p => Some(Edit::Swapped(*p, *q)),
        ([added], []) if added.is_ascii_digit() => None,
        ([added], []) => {
            let doubled =
                a.get(prefix.wrapping_sub(1)) == Some(added) || a.get(prefix + 1) == Some(added);
            Some(if doubled {
                Edit::Doubled(*added)
            } else {
                Edit::Added(*added)
            })
        }
        ([], [dropped]) if dropped.is_ascii_digit() => None,
        ([], [dropped]) => Some(Edit::Dropped(*dropped)),
        _ => None,
    }
}

fn keyboard_neighbours(a: char, b: char) -> bool {
    const ROWS: [&str; 4] = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let pos = |c: char| {
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.find(c).map(|col| (r as i32, col as i32)))
    };
    match (pos(a), pos(b)) {
        (Some((ra, ca)), Some((rb, cb))) => (ra - rb).abs() <= 1 && (ca - cb).abs() <= 1,
        _ => false,
    }
}
