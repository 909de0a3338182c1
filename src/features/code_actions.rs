//! Code actions: the quick fixes of the file's diagnostics (each rule's own, from the rule
//! registry, and a suppression comment for any rule), a refactor that moves an entity
//! definition to the registry, and a source action that links every plain-text entity name.
//! The actions and their edits are built in `rules::shared::fix`.

use crate::rules::shared::fix::{
    Edits, Registry, action, adds_definition, append_block, line_ending, registry,
    with_line_endings,
};
use crate::rules::shared::suppressions::suppress;
use crate::rules::{self, Diagnostic, FixContext, Subject, unlinked_mention};
use crate::syntax::{DefinitionKind, TextRange};
use crate::workspace::{FileId, Workspace};

pub use crate::rules::{Action, ActionKind};

/// The actions for `range` of `file` (an empty range is a cursor): fixes for the file's own
/// diagnostics that `range` touches, in diagnostic order, then the refactor for the entity
/// definition under `range`, then the file-wide source action. Identical actions offered for
/// two diagnostics (two numbers of one sentence) appear once, for the first.
pub fn actions(ws: &Workspace, file: FileId, range: TextRange) -> Vec<Action> {
    actions_for(ws, file, range, &[])
}

/// A diagnostic the editor asks fixes for, as it knows it: its rule id and range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asked {
    pub rule: String,
    pub range: TextRange,
}

/// [`actions`], with the fixes of the diagnostics the editor names too, wherever they are.
/// Neovim asks from anywhere on a line with that line's diagnostics, so a range that misses a
/// finding must not hide its fixes.
pub fn actions_for(ws: &Workspace, file: FileId, range: TextRange, asked: &[Asked]) -> Vec<Action> {
    let doc = ws.document(file);
    let range = TextRange::new(
        range.start.min(doc.text.len()),
        range.end.min(doc.text.len()),
    );
    let fx = FixContext::new(ws, file);
    let diagnostics = rules::check(ws, file);
    let touches = |r: TextRange| r.start <= range.end && range.start <= r.end;
    let named = |d: &Diagnostic| {
        asked
            .iter()
            .any(|a| a.rule == d.rule.id() && a.range == d.range)
    };

    let mut out: Vec<Action> = Vec::new();
    for diagnostic in diagnostics.iter().filter(|d| touches(d.range) || named(d)) {
        let mut fixes = (diagnostic.rule.def().fixes)(&fx, diagnostic);
        fixes.extend(suppress(&fx, diagnostic));
        for mut fix in fixes {
            fix.kind = ActionKind::QuickFix;
            fix.fixes = Some(diagnostic.clone());
            out.push(fix);
        }
    }
    out.extend(move_definition(&fx, range));
    out.extend(link_all(&fx, &diagnostics));

    let mut unique: Vec<Action> = Vec::with_capacity(out.len());
    for action in out {
        let seen = unique.iter().any(|u| {
            u.title == action.title
                && u.edits == action.edits
                && u.create_files == action.create_files
        });
        if !seen {
            unique.push(action);
        }
    }
    unique
}

/// Links every name still reported by unlinked-mention (not suppressed, rule not off) that
/// means a single entity.
fn link_all(fx: &FixContext, diagnostics: &[Diagnostic]) -> Option<Action> {
    let mut edits = Edits::default();
    let mut any = false;
    for d in diagnostics
        .iter()
        .filter(|d| d.rule == unlinked_mention::RULE)
    {
        if let Subject::Name(ids) = &d.subject
            && let [id] = ids.as_slice()
            && unlinked_mention::linkable(fx, d.range)
        {
            let link = unlinked_mention::link_text(fx, d.range, id);
            edits = edits.replace(fx.file, d.range, link);
            any = true;
        }
    }
    any.then(|| {
        let mut link_all = action(
            "Link all unlinked mentions in this file".to_string(),
            edits.finish(fx.ws),
        );
        link_all.kind = ActionKind::SourceAction;
        link_all
    })
}

/// Moves the entity definition under `range` to the end of the registry, when this file is
/// not the registry.
fn move_definition(fx: &FixContext, range: TextRange) -> Option<Action> {
    let def = fx.doc.syntax.definitions.iter().find(|d| {
        d.kind == DefinitionKind::Entity && d.range.start <= range.end && range.start <= d.range.end
    })?;
    let registry = registry(fx.ws);
    if registry == Registry::Existing(fx.file) {
        return None;
    }
    let lines = &fx.text()[fx.line_start(def.range.start)..def.range.end];
    let removal = fx.removal(def);
    let mut edits = Edits::default().replace(fx.file, removal.range, removal.new_text);
    let mut create_files = Vec::new();
    let target = match registry {
        Registry::Existing(file) => {
            let doc = fx.ws.document(file);
            let eol = line_ending(&doc.text);
            let block = format!("{}{eol}", with_line_endings(lines, eol));
            let (at, text) = append_block(&doc.text, eol, &block);
            if !adds_definition(doc, at, &text, DefinitionKind::Entity, &def.id.text) {
                return None;
            }
            edits = edits.insert(file, at, text);
            doc.path.clone()
        }
        Registry::New(path) => {
            create_files.push((path.clone(), format!("{lines}{}", fx.eol)));
            path
        }
    };
    let label = if def.has_valid_id() {
        format!("@{}", def.id.text)
    } else {
        "entity definition".to_string()
    };
    Some(Action {
        title: format!("Move {label} to {}", fx.shown_path(&target)),
        kind: ActionKind::Refactor,
        edits: edits.finish(fx.ws),
        create_files,
        fixes: None,
        preferred: false,
    })
}
