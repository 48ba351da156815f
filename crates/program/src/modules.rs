//! The package's modules: which file is which dotted module, read from its layout (a folder
//! with `__init__.py` is a package; the first folder without one is a root, so `src/`
//! layouts, sdists' top folder and `package_dir` mappings need no setup.py reading), and
//! how a dotted name written in one file resolves to a module, a class or a function of the
//! package.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use malpi_python::{FileFacts, FileRole, MODULE_SCOPE, ScopeId, ScopeKind};

/// How deep re-exports and base classes are followed.
const MAX_HOPS: u32 = 8;

/// What a dotted name stands for inside the package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Module(usize),
    Class(usize, ScopeId),
    Function(usize, ScopeId),
}

pub struct Modules<'a> {
    files: &'a [FileFacts],
    /// Module name → files (several when a tree ships the same module twice, `build/lib`).
    by_name: HashMap<String, Vec<usize>>,
    /// Each file's module name and the package its relative imports start from.
    names: Vec<Option<(String, String)>>,
    /// Per file: (enclosing scope, name) → the function or class defined there.
    children: Vec<HashMap<(ScopeId, &'a str), ScopeId>>,
    /// Per file: every name it defines or imports; a call whose first part is none of
    /// these, nor a module of the package, is not the package's code (no lookup needed).
    local_heads: Vec<HashSet<&'a str>>,
    /// The first part of every module name of the package.
    package_heads: HashSet<String>,
    /// Per file: names of functions and classes defined inside other ones (a call of one
    /// of these depends on where it is written).
    nested_names: Vec<HashSet<&'a str>>,
    /// Per file: the scopes directly inside each scope (a class's methods, a function's
    /// nested functions, a module's definitions and main guards).
    members: Vec<HashMap<ScopeId, Vec<ScopeId>>>,
    /// Per file: class scope → its `ClassDef` (bases), matched by where both start.
    class_defs: Vec<HashMap<ScopeId, usize>>,
    /// File name (`payload.py`) → files of that name.
    by_file_name: HashMap<&'a str, Vec<usize>>,
    /// Resolutions already made, by file, context (a class for `self.`, else the module)
    /// and name: a package calls the same names again and again.
    cache: std::cell::RefCell<HashMap<(usize, ScopeId, &'a str), Vec<Target>>>,
    /// Per file: local name → import target.
    aliases: Vec<HashMap<&'a str, &'a str>>,
    /// Per file: modules imported with `*`.
    stars: Vec<Vec<&'a str>>,
}

impl<'a> Modules<'a> {
    pub fn new(files: &'a [FileFacts]) -> Self {
        let packages: HashSet<&str> = files
            .iter()
            .filter_map(|f| f.path.strip_suffix("/__init__.py"))
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::default();
        let mut names = Vec::with_capacity(files.len());
        for (i, f) in files.iter().enumerate() {
            let name = module_name(&f.path, &packages);
            if let Some((module, _)) = &name {
                if f.role != FileRole::Pth {
                    by_name.entry(module.clone()).or_default().push(i);
                }
            }
            names.push(name);
        }
        let children: Vec<HashMap<(ScopeId, &str), ScopeId>> = files
            .iter()
            .map(|f| {
                f.scopes
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| matches!(s.kind, ScopeKind::Function | ScopeKind::Class))
                    .map(|(id, s)| ((s.parent, s.name.as_str()), id as ScopeId))
                    .collect()
            })
            .collect();
        let package_heads: HashSet<String> = by_name
            .keys()
            .map(|m| m.split('.').next().unwrap_or(m).to_string())
            .collect();
        // Names bound to libraries (`import os`) lead nowhere in the package.
        let ours = |target: &str| {
            target.starts_with('.')
                || package_heads.contains(target.split('.').next().unwrap_or(""))
        };
        let local_heads = files
            .iter()
            .map(|f| {
                f.scopes
                    .iter()
                    .skip(1)
                    .map(|s| s.name.as_str())
                    .chain(
                        f.aliases
                            .iter()
                            .filter(|a| ours(&a.target))
                            .map(|a| a.local.split('.').next().unwrap_or("")),
                    )
                    .collect()
            })
            .collect();
        let aliases = files
            .iter()
            .map(|f| {
                f.aliases
                    .iter()
                    .filter(|a| a.local != "*")
                    .map(|a| (a.local.as_str(), a.target.as_str()))
                    .collect()
            })
            .collect();
        let stars = files
            .iter()
            .map(|f| {
                f.aliases
                    .iter()
                    .filter(|a| a.local == "*")
                    .map(|a| a.target.as_str())
                    .collect()
            })
            .collect();
        Modules {
            files,
            by_name,
            names,
            children,
            local_heads,
            package_heads,
            nested_names: files
                .iter()
                .map(|f| {
                    f.scopes
                        .iter()
                        .filter(|s| s.parent != MODULE_SCOPE)
                        .map(|s| s.name.as_str())
                        .collect()
                })
                .collect(),
            members: files
                .iter()
                .map(|f| {
                    let mut m: HashMap<ScopeId, Vec<ScopeId>> = HashMap::default();
                    for (id, s) in f.scopes.iter().enumerate().skip(1) {
                        m.entry(s.parent).or_default().push(id as ScopeId);
                    }
                    m
                })
                .collect(),
            class_defs: files
                .iter()
                .map(|f| {
                    let by_start: HashMap<u32, usize> = f
                        .classes
                        .iter()
                        .enumerate()
                        .map(|(i, c)| (c.span.start, i))
                        .collect();
                    f.scopes
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.kind == ScopeKind::Class)
                        .filter_map(|(id, s)| Some((id as ScopeId, *by_start.get(&s.span.start)?)))
                        .collect()
                })
                .collect(),
            by_file_name: {
                let mut m: HashMap<&str, Vec<usize>> = HashMap::default();
                for (i, f) in files.iter().enumerate() {
                    m.entry(f.path.rsplit('/').next().unwrap_or(&f.path))
                        .or_default()
                        .push(i);
                }
                m
            },
            cache: Default::default(),
            aliases,
            stars,
        }
    }

    /// The dotted module name of a file, when it has one.
    pub fn name_of(&self, file: usize) -> Option<&str> {
        self.names[file].as_ref().map(|(m, _)| m.as_str())
    }

    /// Files that are this module.
    pub fn files_of(&self, module: &str) -> &[usize] {
        self.by_name.get(module).map_or(&[], Vec::as_slice)
    }

    /// Every package `__init__` an import of `module` runs before it (`a`, `a.b` for
    /// `a.b.c`).
    pub fn parents_of(&self, module: &str) -> impl Iterator<Item = usize> + '_ {
        let parts: Vec<&str> = module.split('.').collect();
        (1..parts.len())
            .flat_map(move |k| self.files_of(&parts[..k].join(".")).to_vec())
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// What `name` stands for at the top level of `file`, for names that are not in the
    /// package's text (declared entry points): resolved without the cache.
    pub fn resolve_uncached(&self, file: usize, name: &str) -> Vec<Target> {
        let mut out = Vec::new();
        self.resolve_into(file, MODULE_SCOPE, name, 0, &mut out);
        out
    }

    /// What `name`, written in scope `from` of `file`, stands for in the package.
    pub fn resolve(&self, file: usize, from: ScopeId, name: &'a str) -> Vec<Target> {
        let head = name.split('.').next().unwrap_or(name);
        let context = if head == "self" || head == "cls" {
            self.enclosing_class(file, from).unwrap_or(MODULE_SCOPE)
        } else if self.nested_names[file].contains(head) {
            let mut out = Vec::new();
            self.resolve_into(file, from, name, 0, &mut out);
            return out;
        } else {
            MODULE_SCOPE
        };
        if let Some(hit) = self.cache.borrow().get(&(file, context, name)) {
            return hit.clone();
        }
        let mut out = Vec::new();
        self.resolve_into(file, from, name, 0, &mut out);
        self.cache
            .borrow_mut()
            .insert((file, context, name), out.clone());
        out
    }

    fn resolve_into(
        &self,
        file: usize,
        from: ScopeId,
        name: &str,
        hops: u32,
        out: &mut Vec<Target>,
    ) {
        if hops > MAX_HOPS || name.is_empty() || name.len() > 512 {
            return;
        }
        if name.starts_with('.') {
            if let Some(absolute) = self.absolute(file, name) {
                self.resolve_absolute(&absolute, hops + 1, out);
            }
            return;
        }
        let (head, rest) = name.split_once('.').unwrap_or((name, ""));
        if head == "self" || head == "cls" {
            if let Some(class) = self.enclosing_class(file, from) {
                if !rest.is_empty() {
                    self.resolve_member(file, class, rest, hops + 1, out);
                }
            }
            return;
        }
        if !self.local_heads[file].contains(head) && !self.package_heads.contains(head) {
            // A library or a builtin (`os.path.join`, `builtins.len`).
            return;
        }
        let before = out.len();
        // Lexical scope first: a function defined inside the calling function (or one
        // around it, or in the class body that calls it) shadows the module's names.
        let scopes = &self.files[file].scopes;
        let mut enclosing = from;
        for _ in 0..64 {
            if enclosing == MODULE_SCOPE {
                break;
            }
            let Some(s) = scopes.get(enclosing as usize) else {
                break;
            };
            // A class body sees its own names; a method does not see its class's.
            if s.kind == ScopeKind::Function || enclosing == from {
                if let Some(&scope) = self.children[file].get(&(enclosing, head)) {
                    match (self.target(file, scope), rest.is_empty()) {
                        (t, true) => out.push(t),
                        (Target::Class(f, c), false) => {
                            self.resolve_member(f, c, rest, hops + 1, out)
                        }
                        _ => {}
                    }
                    return;
                }
            }
            enclosing = s.parent;
        }
        self.resolve_local(file, name, hops, out);
        if out.len() == before {
            self.resolve_absolute(name, hops + 1, out);
        }
    }

    /// A name looked up in a module's own namespace: its definitions, then what it imports.
    fn resolve_local(&self, file: usize, name: &str, hops: u32, out: &mut Vec<Target>) {
        if hops > MAX_HOPS {
            return;
        }
        let (head, rest) = name.split_once('.').unwrap_or((name, ""));
        if let Some(&scope) = self.children[file].get(&(MODULE_SCOPE, head)) {
            let target = self.target(file, scope);
            match (target, rest.is_empty()) {
                (t, true) => out.push(t),
                (Target::Class(f, c), false) => self.resolve_member(f, c, rest, hops + 1, out),
                _ => {}
            }
            return;
        }
        if let Some(&imported) = self.aliases[file].get(head) {
            let full = if rest.is_empty() {
                imported.to_string()
            } else {
                format!("{imported}.{rest}")
            };
            let absolute = if full.starts_with('.') {
                self.absolute(file, &full)
            } else {
                Some(full)
            };
            if let Some(a) = absolute {
                self.resolve_absolute(&a, hops + 1, out);
            }
            return;
        }
        for star in &self.stars[file] {
            let module = if star.starts_with('.') {
                self.absolute(file, star)
            } else {
                Some(star.to_string())
            };
            for &m in module.as_deref().map_or(&[][..], |m| self.files_of(m)) {
                if m != file {
                    self.resolve_local(m, name, hops + 1, out);
                }
            }
        }
    }

    /// A dotted name from the package's top: the longest module prefix, then a name in it.
    fn resolve_absolute(&self, name: &str, hops: u32, out: &mut Vec<Target>) {
        let head = name.split('.').next().unwrap_or(name);
        if hops > MAX_HOPS || !self.package_heads.contains(head) {
            return;
        }
        let mut end = name.len();
        loop {
            let prefix = &name[..end];
            let files = self.files_of(prefix);
            if !files.is_empty() {
                let rest = name.get(end + 1..).unwrap_or("");
                for &f in files {
                    if rest.is_empty() {
                        out.push(Target::Module(f));
                    } else {
                        self.resolve_local(f, rest, hops + 1, out);
                    }
                }
                return;
            }
            match prefix.rfind('.') {
                Some(dot) => end = dot,
                None => return,
            }
        }
    }

    /// `member` of a class: its own definition, else a base class's.
    fn resolve_member(
        &self,
        file: usize,
        class: ScopeId,
        member: &str,
        hops: u32,
        out: &mut Vec<Target>,
    ) {
        if hops > MAX_HOPS {
            return;
        }
        let (head, rest) = member.split_once('.').unwrap_or((member, ""));
        if let Some(&scope) = self.children[file].get(&(class, head)) {
            match (self.target(file, scope), rest.is_empty()) {
                (t, true) => out.push(t),
                (Target::Class(f, c), false) => self.resolve_member(f, c, rest, hops + 1, out),
                _ => {}
            }
            return;
        }
        for (bf, bc) in self.bases(file, class, hops) {
            self.resolve_member(bf, bc, member, hops + 1, out);
        }
    }

    /// `threading.Thread` or `multiprocessing.Process` when a class derives from one (also
    /// through the package's own classes): its `start()` runs its `run`.
    pub fn runner_base(&self, file: usize, class: ScopeId) -> Option<String> {
        let mut todo = vec![(file, class, 0u32)];
        while let Some((f, c, hops)) = todo.pop() {
            if hops > MAX_HOPS {
                continue;
            }
            if let Some(def) = self.class_def(f, c) {
                if let Some(b) = def.bases.iter().find(|b| {
                    matches!(
                        b.as_str(),
                        "threading.Thread" | "multiprocessing.Process" | "Thread" | "Process"
                    )
                }) {
                    return Some(b.clone());
                }
            }
            todo.extend(
                self.bases(f, c, hops)
                    .into_iter()
                    .map(|(bf, bc)| (bf, bc, hops + 1)),
            );
        }
        None
    }

    /// A module's `__getattr__` that an attribute read runs: `name` (as written in `file`)
    /// is a module of the package followed by a name that module does not define.
    pub fn missing_attribute(
        &self,
        file: usize,
        from: ScopeId,
        name: &str,
    ) -> Option<(usize, ScopeId)> {
        let (head, rest) = name.split_once('.')?;
        if !self.local_heads[file].contains(head) && !self.package_heads.contains(head) {
            return None;
        }
        let written = if let Some(&imported) = self.aliases[file].get(head) {
            format!("{imported}.{rest}")
        } else {
            name.to_string()
        };
        let absolute = if written.starts_with('.') {
            self.absolute(file, &written)?
        } else {
            written
        };
        let (module, attr) = absolute.rsplit_once('.')?;
        let &m = self.files_of(module).first()?;
        if m == file && from == MODULE_SCOPE {
            return None;
        }
        let known = self.children[m].contains_key(&(MODULE_SCOPE, attr))
            || self.aliases[m].contains_key(attr)
            || !self.files_of(&absolute).is_empty();
        let getattr = *self.children[m].get(&(MODULE_SCOPE, "__getattr__"))?;
        (!known).then_some((m, getattr))
    }

    /// The package's classes a class derives from.
    pub fn bases(&self, file: usize, class: ScopeId, hops: u32) -> Vec<(usize, ScopeId)> {
        let facts = &self.files[file];
        let scope = &facts.scopes[class as usize];
        let mut out = Vec::new();
        let Some(def) = self.class_def(file, class) else {
            return out;
        };
        for base in &def.bases {
            let mut targets = Vec::new();
            self.resolve_into(file, scope.parent, base, hops + 1, &mut targets);
            for t in targets {
                if let Target::Class(f, c) = t {
                    if (f, c) != (file, class) {
                        out.push((f, c));
                    }
                }
            }
        }
        out
    }

    /// The methods of a class (and of its bases in the package).
    pub fn methods(&self, file: usize, class: ScopeId) -> Vec<(usize, ScopeId)> {
        let mut out = Vec::new();
        let mut todo = vec![(file, class, 0u32)];
        let mut seen = HashSet::default();
        while let Some((f, c, hops)) = todo.pop() {
            if hops > MAX_HOPS || !seen.insert((f, c)) {
                continue;
            }
            for &id in self.members_of(f, c) {
                if self.files[f].scopes[id as usize].kind == ScopeKind::Function {
                    out.push((f, id));
                }
            }
            todo.extend(
                self.bases(f, c, hops)
                    .into_iter()
                    .map(|(bf, bc)| (bf, bc, hops + 1)),
            );
        }
        out
    }

    /// The scopes directly inside `scope`.
    pub fn members_of(&self, file: usize, scope: ScopeId) -> &[ScopeId] {
        self.members[file].get(&scope).map_or(&[], Vec::as_slice)
    }

    /// The class definition (name, bases) of a class scope.
    pub fn class_def(&self, file: usize, class: ScopeId) -> Option<&'a malpi_python::ClassDef> {
        let files: &'a [FileFacts] = self.files;
        Some(&files[file].classes[*self.class_defs[file].get(&class)?])
    }

    /// Files with this file name.
    pub fn files_named(&self, name: &str) -> &[usize] {
        self.by_file_name.get(name).map_or(&[], Vec::as_slice)
    }

    fn target(&self, file: usize, scope: ScopeId) -> Target {
        match self.files[file].scopes[scope as usize].kind {
            ScopeKind::Class => Target::Class(file, scope),
            _ => Target::Function(file, scope),
        }
    }

    fn enclosing_class(&self, file: usize, mut scope: ScopeId) -> Option<ScopeId> {
        let scopes = &self.files[file].scopes;
        for _ in 0..64 {
            let s = scopes.get(scope as usize)?;
            if s.kind == ScopeKind::Class {
                return Some(scope);
            }
            if scope == MODULE_SCOPE {
                return None;
            }
            scope = s.parent;
        }
        None
    }

    /// A relative name (`.core.run`, `..util`) made absolute from the file's package.
    pub fn absolute(&self, file: usize, name: &str) -> Option<String> {
        let (_, package) = self.names[file].as_ref()?;
        let dots = name.len() - name.trim_start_matches('.').len();
        let mut base: Vec<&str> = if package.is_empty() {
            Vec::new()
        } else {
            package.split('.').collect()
        };
        for _ in 1..dots {
            base.pop()?;
        }
        let rest = &name[dots..];
        if !rest.is_empty() {
            base.push(rest);
        }
        (!base.is_empty()).then(|| base.join("."))
    }
}

/// A file's module name and the package its relative imports start from: folders with an
/// `__init__.py` are packages; the first one up without it is where module names start.
fn module_name(path: &str, packages: &HashSet<&str>) -> Option<(String, String)> {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = file
        .strip_suffix(".py")
        .or_else(|| file.strip_suffix(".pyw"))?;
    let mut parts: Vec<&str> = Vec::new();
    let is_init = stem == "__init__";
    if !is_init {
        parts.push(stem);
    }
    let mut current = dir;
    while !current.is_empty() && packages.contains(current) {
        let (parent, last) = current.rsplit_once('/').unwrap_or(("", current));
        parts.push(last);
        current = parent;
    }
    if parts.is_empty() {
        return None;
    }
    parts.reverse();
    let module = parts.join(".");
    let package = if is_init {
        module.clone()
    } else {
        parts[..parts.len() - 1].join(".")
    };
    Some((module, package))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_follow_packages_up_to_the_first_plain_folder() {
        let packages: HashSet<&str> = ["p-1/src/pkg", "p-1/src/pkg/sub"].into_iter().collect();
        let name = |p| module_name(p, &packages);
        assert_eq!(
            name("p-1/src/pkg/sub/core.py"),
            Some(("pkg.sub.core".into(), "pkg.sub".into()))
        );
        assert_eq!(
            name("p-1/src/pkg/__init__.py"),
            Some(("pkg".into(), "pkg".into()))
        );
        assert_eq!(name("p-1/setup.py"), Some(("setup".into(), "".into())));
        assert_eq!(name("p-1/README"), None);
    }
}
