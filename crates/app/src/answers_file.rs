//! An answers file (`sansho_import::answers`: a vendor's answers as TOML) resolved against the
//! loaded catalogs: every answer to a requirement of its catalog, by id or printed label. Used by
//! `sansho check` (compliance as code) and by an assessment's import.

use std::collections::HashMap;

use sansho_core::assess::Answer;
use sansho_core::set::NodeIx;
use sansho_core::{CatalogSet, Lang, Msg, ja_en};
use sansho_import::ImportError;
use sansho_import::answers::parse_answers_bytes;

use crate::{AppError, Result};

/// Reads the answers file `name` and resolves every answer to a requirement of its catalog:
/// `catalog` when given (a file that names another catalog is refused), else the file's own.
/// Every problem names the file, line and column; an answer given twice names both lines.
pub fn resolve(set: &CatalogSet, name: &str, bytes: &[u8], catalog: Option<&str>) -> Result<(String, Vec<Answer>)> {
    let at = |line: usize, column: usize, msg: Msg| AppError::Import(ImportError::at(name, line, column, msg));
    let file = parse_answers_bytes(name, bytes)?;
    let catalog = match (catalog, &file.catalog) {
        (Some(c), Some((declared, p))) if c != declared => {
            return Err(at(
                p.line,
                p.column,
                ja_en!(
                    "このファイルは {declared:?} の回答です。{c:?} には取り込めません（カタログが違います）",
                    "the file answers {declared:?}, not {c:?}: it cannot be used for another catalog"
                ),
            ));
        }
        (Some(c), _) => c.to_owned(),
        (None, Some((c, _))) => c.clone(),
        (None, None) => {
            return Err(at(
                0,
                0,
                Msg::new(
                    "どのカタログの回答かを `catalog = \"…\"` か --catalog で指定してください",
                    "say which catalog the answers are for: `catalog = \"…\"` or --catalog",
                ),
            ));
        }
    };
    if set.catalog(&catalog).is_none() {
        return Err(match &file.catalog {
            Some((c, p)) if *c == catalog => at(
                p.line,
                p.column,
                ja_en!(
                    "不明なカタログ {catalog:?}（sansho catalog list で一覧）",
                    "unknown catalog {catalog:?} (see `sansho catalog list`)"
                ),
            ),
            _ => AppError::UnknownCatalog { field: "catalog", catalog },
        });
    }
    let mut answers = Vec::with_capacity(file.answers.len());
    let mut seen: HashMap<NodeIx, usize> = HashMap::new();
    for e in &file.answers {
        let (line, column) = (e.requirement_at.line, e.requirement_at.column);
        let ix = set.resolve(&catalog, &e.requirement).map_err(|err| {
            let err = AppError::Requirement(err);
            at(line, column, Msg::new(err.message(Lang::Ja), err.message(Lang::En)))
        })?;
        if let Some(first) = seen.insert(ix, line) {
            let id = set.requirement(ix).id.as_str();
            return Err(at(
                line,
                column,
                ja_en!(
                    "{catalog}:{id} への回答が {first} 行目と {line} 行目の 2 つあります（1 つにしてください）",
                    "{catalog}:{id} is answered twice, on lines {first} and {line} (keep one)"
                ),
            ));
        }
        let reference = set.reference(ix);
        let mut answer = match e.result {
            sansho_core::assess::ResultCode::NotApplicable => {
                Answer::not_applicable(reference, e.justification.clone().unwrap_or_default())
            }
            r => Answer::new(reference, r),
        }
        .map_err(|_| {
            let label = &set.requirement(ix).label;
            at(
                e.at.line,
                e.at.column,
                ja_en!(
                    "{label}: 該当なしには理由（justification）が必要です",
                    "{label}: 該当なし (not-applicable) needs a justification"
                ),
            )
        })?;
        answer.how = e.how.clone();
        if e.result != sansho_core::assess::ResultCode::NotApplicable {
            answer.justification = e.justification.clone();
        }
        answers.push(answer);
    }
    Ok((catalog, answers))
}
