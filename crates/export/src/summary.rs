//! The summary (集計) every format shows: the gap analysis of `sansho-core`, in words.

use sansho_core::assess::{GapOptions, GapReport, Group, ResultBasis, ResultCode, Verdict, gaps};
use sansho_core::{Catalog, Category, Level};

use crate::rows::{level_word, result_word};
use crate::{ExportInput, Lang};

/// The gap analysis of the exported catalog, counting derived results when the export shows
/// them (`None` for a catalog the set does not have).
pub(crate) fn report<'a>(input: &ExportInput<'a>) -> Option<GapReport<'a>> {
    gaps(input.derived, input.catalog, GapOptions { include_derived: input.include_derived }).ok()
}

/// The catalog's title in the chosen language (Japanese when there is no English one).
pub(crate) fn catalog_title(c: &Catalog, lang: Lang) -> &str {
    match lang {
        Lang::En => c.title.en.as_deref().unwrap_or(&c.title.ja),
        Lang::Ja => &c.title.ja,
    }
}

/// The edition line under the title: `第3版 ・ 厚生労働省 ・ 2009-06-29 ・ mhlw-3-checklist`.
pub(crate) fn edition_line(c: &Catalog) -> String {
    let mut parts = vec![c.edition.clone()];
    if !c.issuers.is_empty() {
        parts.push(c.issuers.join("、"));
    }
    if let Some(d) = &c.date {
        parts.push(d.clone());
    }
    parts.push(c.id.as_str().to_owned());
    parts.join(" ・ ")
}

/// The title block's labels and values, in order.
pub(crate) fn meta_pairs(input: &ExportInput) -> [(&'static str, String); 6] {
    let l = input.lang;
    let m = &input.meta;
    [
        (l.t("組織", "Organization"), m.organization.clone()),
        (l.t("システム", "System"), m.system.clone()),
        (l.t("ベースライン", "Baseline"), m.baseline.clone().unwrap_or_else(|| l.t("なし", "none").to_owned())),
        (l.t("評価ID", "Assessment ID"), m.assessment_id.clone()),
        (l.t("状況", "Status"), m.status.clone()),
        (l.t("出力日", "Exported on"), m.exported_on.clone()),
    ]
}

/// What the counts count.
pub(crate) fn scope_line(input: &ExportInput) -> &'static str {
    match (input.include_derived, input.lang) {
        (true, Lang::Ja) => "集計対象: 直接の回答と推定結果（（推定）は対応表・下位項目から推定した未承認の結果）",
        (true, Lang::En) => "Counted: direct answers and derived results (marked (derived): not yet accepted)",
        (false, Lang::Ja) => "集計対象: 直接の回答のみ（回答のない項目は未回答）",
        (false, Lang::En) => "Counted: direct answers only (requirements without one are unanswered)",
    }
}

/// The summary's note that `n` workbook cells were cut to what a cell holds.
pub(crate) fn cut_note(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "注: Excel のセルの上限（32,767 文字）を超えたセル {n} 件は末尾を省略しました（「…［以下省略：全 N 文字］」の印）。全文は CSV・JSON・Markdown の出力にあります。"
        ),
        Lang::En => format!(
            "Note: {n} cell(s) longer than Excel's limit of 32,767 characters were cut (marked \"… [cut: N characters in all]\"); the CSV, JSON and Markdown exports hold the whole text."
        ),
    }
}

pub(crate) fn sheet_title(lang: Lang) -> &'static str {
    lang.t("集計", "Summary")
}

pub(crate) struct Headings {
    pub by_result: &'static str,
    pub by_level: &'static str,
    pub by_category: &'static str,
    pub by_section: &'static str,
    pub minimum: &'static str,
    pub gaps: &'static str,
    pub no_gaps: &'static str,
}

pub(crate) fn headings(lang: Lang) -> Headings {
    match lang {
        Lang::Ja => Headings {
            by_result: "実施状況別",
            by_level: "レベル別",
            by_category: "区分別（安全管理対策）",
            by_section: "章・節別",
            minimum: "最低限のガイドライン（遵守事項）の判定",
            gaps: "未対応一覧（遵守事項を先に、記載順）",
            no_gaps: "未対応の項目はありません。",
        },
        Lang::En => Headings {
            by_result: "By result",
            by_level: "By level",
            by_category: "By control category",
            by_section: "By section",
            minimum: "Minimum package (every mandatory requirement met)",
            gaps: "Gaps (mandatory first, then document order)",
            no_gaps: "No gaps.",
        },
    }
}

/// Column headers of the per-result table.
pub(crate) fn result_table_headers(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Ja => ["実施状況", "件数", "割合"],
        Lang::En => ["Result", "Count", "Share"],
    }
}

/// Column headers of a breakdown (level, category, section): name, total, one per result, and
/// the share implemented.
pub(crate) fn breakdown_headers(lang: Lang, first: &'static str) -> [&'static str; 8] {
    match lang {
        Lang::Ja => [first, "合計", "実施済", "一部実施", "未実施", "該当なし", "未回答", "実施率"],
        Lang::En => {
            [first, "Total", "implemented", "partial", "not-implemented", "not-applicable", "unanswered", "Implemented"]
        }
    }
}

pub(crate) fn breakdown_first(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Ja => ["レベル", "区分", "章・節"],
        Lang::En => ["Level", "Category", "Section"],
    }
}

/// Column headers of the gap list.
pub(crate) fn gap_headers(lang: Lang) -> [&'static str; 9] {
    match lang {
        Lang::Ja => ["No.", "レベル", "区分", "実施状況", "回答", "要確認", "担当者", "期限", "チェック項目"],
        Lang::En => ["No.", "Level", "Category", "Status", "Basis", "Review", "Owner", "Due", "Check item"],
    }
}

pub(crate) fn total_word(lang: Lang) -> &'static str {
    lang.t("合計", "Total")
}

/// A level group's name.
pub(crate) fn level_group(g: &Group, lang: Lang) -> String {
    match Level::parse(&g.key) {
        Some(l) => level_word(Some(l), lang).to_owned(),
        None => lang.t("レベルなし", "(none)").to_owned(),
    }
}

/// A category group's name: the four categories in words, others as the source prints them.
pub(crate) fn category_group(g: &Group, lang: Lang) -> String {
    category_word(Category::parse(&g.key).filter(|_| g.key != "none").as_ref(), lang)
}

pub(crate) fn category_word(c: Option<&Category>, lang: Lang) -> String {
    match (c, lang) {
        (None, _) => lang.t("区分なし", "(none)").to_owned(),
        (Some(c), Lang::Ja) => c.ja().to_owned(),
        (Some(Category::Organizational), Lang::En) => "Organizational".to_owned(),
        (Some(Category::Physical), Lang::En) => "Physical".to_owned(),
        (Some(Category::Technical), Lang::En) => "Technical".to_owned(),
        (Some(Category::Human), Lang::En) => "Human".to_owned(),
        (Some(Category::Other(s)), Lang::En) => s.clone(),
    }
}

/// How a gap's result was reached.
pub(crate) fn basis_word(b: ResultBasis, lang: Lang) -> &'static str {
    match b {
        ResultBasis::Direct => lang.t("回答", "answer"),
        ResultBasis::Derived => lang.t("推定", "derived"),
        ResultBasis::None => lang.t("なし", "none"),
    }
}

pub(crate) fn review_mark(needs_review: bool, lang: Lang) -> &'static str {
    match needs_review {
        true => lang.t("要確認", "review"),
        false => "",
    }
}

/// The minimum-package verdict in one word and one sentence.
pub(crate) fn verdict(v: &Verdict, lang: Lang) -> (&'static str, String) {
    let word = match v.met {
        true => lang.t("充足", "met"),
        false => lang.t("未達", "NOT met"),
    };
    let sentence = match lang {
        Lang::Ja => format!(
            "遵守事項 {} 件中 {} 件を充足（うち推定による {} 件）、未充足 {} 件",
            v.mandatory,
            v.satisfied,
            v.by_derived,
            v.blockers.len()
        ),
        Lang::En => format!(
            "{} of {} mandatory requirements met ({} only by derived results), {} not met",
            v.satisfied,
            v.mandatory,
            v.by_derived,
            v.blockers.len()
        ),
    };
    (word, sentence)
}

/// The results in the order the tables list them, with their words.
pub(crate) fn results(lang: Lang) -> impl Iterator<Item = (ResultCode, &'static str)> {
    ResultCode::ALL.into_iter().map(move |r| (r, result_word(r, lang)))
}
