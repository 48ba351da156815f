//! What mirrors still serve, and the lifecycle of a malicious package: release → discovery
//! (incubation) → last seen on any mirror or removed (residual).
//!
//! A mirror's state for a package is its latest observation of each probe (project page or
//! version); a package is still served when any of those is `present`. Failed probes say
//! nothing: a package whose every latest probe failed counts as an error, not as absent.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::distribution::{self, Distribution};
use crate::model::{MirrorObservation, Presence, StudyData};
use crate::time::Timestamp;

/// One mirror's persistence figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MirrorPersistence {
    pub mirror: String,
    /// Packages (projects) probed on this mirror.
    pub probed: usize,
    /// Of those, still served at the latest probe.
    pub served: usize,
    /// Of those, only failed probes.
    pub errors: usize,
    /// The still-served package reported longest ago, with its report date.
    pub oldest_served: Option<(String, Timestamp)>,
    pub last_probe: Option<Timestamp>,
}

impl MirrorPersistence {
    /// Share of the probed packages still served.
    pub fn share(&self) -> f64 {
        if self.probed == 0 {
            0.0
        } else {
            self.served as f64 / self.probed as f64
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Lifecycle {
    /// Days from release to the first report.
    pub incubation: Distribution,
    /// Days from the first report to the last time a mirror served it (or its removal).
    pub residual: Distribution,
    /// Package versions with a release time after their first report (no upload time, and
    /// first seen on a mirror after the report; or inconsistent data), left out of the
    /// incubation figures.
    pub reported_before_release: usize,
    /// Reported package versions no mirror was ever seen serving and that PyPI no longer
    /// served at the first check: their residual period is unknown, left out.
    pub gone_before_first_check: usize,
}

/// The earliest report of each project.
fn first_reports(data: &StudyData) -> HashMap<&str, Timestamp> {
    let mut first: HashMap<&str, Timestamp> = HashMap::new();
    for p in &data.packages {
        if let Some(t) = p.reported_at {
            first
                .entry(p.name.as_str())
                .and_modify(|f| *f = (*f).min(t))
                .or_insert(t);
        }
    }
    first
}

/// The latest observation of each (mirror, package, version) probe.
fn latest(data: &StudyData) -> BTreeMap<(&str, &str, Option<&str>), &MirrorObservation> {
    let mut latest: BTreeMap<(&str, &str, Option<&str>), &MirrorObservation> = BTreeMap::new();
    for o in &data.mirror_observations {
        let key = (o.mirror.as_str(), o.package.as_str(), o.version.as_deref());
        let newer = latest
            .get(&key)
            .is_none_or(|l| o.observed_at >= l.observed_at);
        if newer {
            latest.insert(key, o);
        }
    }
    latest
}

pub fn mirror_persistence(data: &StudyData) -> Vec<MirrorPersistence> {
    let reported = first_reports(data);
    // mirror → package → (any present, any non-error) at the latest probes.
    let mut state: BTreeMap<&str, BTreeMap<&str, (bool, bool)>> = BTreeMap::new();
    let mut last_probe: HashMap<&str, Timestamp> = HashMap::new();
    for ((mirror, package, _), o) in latest(data) {
        let entry = state.entry(mirror).or_default().entry(package).or_default();
        entry.0 |= o.presence == Presence::Present;
        entry.1 |= o.presence != Presence::Error;
        let last = last_probe.entry(mirror).or_insert(o.observed_at);
        *last = (*last).max(o.observed_at);
    }
    let mut out: Vec<MirrorPersistence> = state
        .into_iter()
        .map(|(mirror, packages)| {
            let served: Vec<&str> = packages
                .iter()
                .filter(|(_, (present, _))| *present)
                .map(|(p, _)| *p)
                .collect();
            let oldest_served = served
                .iter()
                .filter_map(|p| reported.get(p).map(|t| (p.to_string(), *t)))
                .min_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
            MirrorPersistence {
                mirror: mirror.to_string(),
                probed: packages.len(),
                served: served.len(),
                errors: packages.values().filter(|(_, answered)| !answered).count(),
                oldest_served,
                last_probe: last_probe.get(mirror).copied(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.share()
            .total_cmp(&a.share())
            .then_with(|| a.mirror.cmp(&b.mirror))
    });
    out
}

pub fn lifecycle(data: &StudyData) -> Lifecycle {
    // Last time any mirror served each (package, version); a project-page probe counts for
    // every version of the project.
    let mut last_present: HashMap<(&str, Option<&str>), Timestamp> = HashMap::new();
    for o in &data.mirror_observations {
        if o.presence == Presence::Present {
            let last = last_present
                .entry((o.package.as_str(), o.version.as_deref()))
                .or_insert(o.observed_at);
            *last = (*last).max(o.observed_at);
        }
    }
    let mut incubation = Vec::new();
    let mut residual = Vec::new();
    let mut reported_before_release = 0;
    let mut gone_before_first_check = 0;
    for p in &data.packages {
        let Some(reported) = p.reported_at else {
            continue;
        };
        if let Some(released) = p.released_at {
            let days = released.days_until(reported);
            if days >= 0.0 {
                incubation.push(days);
            } else {
                reported_before_release += 1;
            }
        }
        let seen = [
            last_present.get(&(p.name.as_str(), Some(p.version.as_str()))),
            last_present.get(&(p.name.as_str(), None)),
        ]
        .into_iter()
        .flatten()
        .copied()
        .max();
        // Removed or last seen before the report: no residual period (0 days). A removal
        // dated only by the first check (never seen served) would measure the check.
        let removed = p.removed_at.filter(|_| !p.gone_at_first_check);
        if let Some(end) = seen.or(removed) {
            residual.push(reported.days_until(end).max(0.0));
        } else if p.gone_at_first_check {
            gone_before_first_check += 1;
        }
    }
    Lifecycle {
        incubation: Distribution::of(incubation, distribution::DAY_BINS),
        residual: Distribution::of(residual, distribution::DAY_BINS),
        reported_before_release,
        gone_before_first_check,
    }
}
