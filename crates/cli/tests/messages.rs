//! Messages about the user's own files and command lines speak the chosen language (issue 11
//! §2.15): in Japanese mode (the default) a broken checklist, answers file, OSCAL document or
//! catalog file and a mistyped command line are reported in Japanese, with the file, line and
//! column kept and no English sentence; English mode says what it said before.

use std::path::Path;
use std::process::{Command, Output};

fn sansho_in(dir: &Path, args: &[&str], lang: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sansho"));
    c.args(args)
        .current_dir(dir)
        .env_remove("SANSHO_CATALOGS")
        .env_remove("SANSHO_CONFIG")
        .env_remove("SANSHO_LANG")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"));
    if let Some(l) = lang {
        c.env("SANSHO_LANG", l);
    }
    c.output().expect("sansho runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts `text` holds every one of `want` and none of `not`.
fn says(text: &str, want: &[&str], not: &[&str]) {
    for w in want {
        assert!(text.contains(w), "expected {w:?} in:\n{text}");
    }
    for n in not {
        assert!(!text.contains(n), "did not expect {n:?} in:\n{text}");
    }
}

#[test]
fn a_checklist_with_an_unknown_result_word_is_reported_in_japanese_with_its_cell() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("answers.csv"), "id,実施状況,実施内容\norg-1,実施済,\norg-2,たぶん,\n").unwrap();
    let args = ["check", "answers.csv", "--catalog", "mhlw-3-checklist"];
    let o = sansho_in(tmp.path(), &args, None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    says(
        &stderr(&o),
        &[
            "answers.csv:3:2: 3 行目 2 列目（実施状況）: 実施状況 \"たぶん\" は使えない語です",
            "のいずれかを書いてください",
        ],
        &["unknown result", "write one of", "row 3, column 2"],
    );
    // English as before.
    let o = sansho_in(tmp.path(), &args, Some("en"));
    assert_eq!(o.status.code(), Some(1));
    says(
        &stderr(&o),
        &["answers.csv:3:2: row 3, column 2 (実施状況): unknown result \"たぶん\"; write one of"],
        &["使えない語"],
    );
    // An unpaired row says what was tried, in Japanese too.
    std::fs::write(tmp.path().join("answers.csv"), "id,結果\norg-99,済\n").unwrap();
    let o = sansho_in(tmp.path(), &args, None);
    says(
        &stderr(&o),
        &[
            "answers.csv:2:1: 2 行目 1 列目（id）: この行に当たるカタログ mhlw-3-checklist の要求事項がありません: ID \"org-99\"",
        ],
        &["no requirement", "matches this row", "its id"],
    );
}

#[test]
fn a_broken_answers_file_is_reported_in_japanese_with_its_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "catalog = \"mhlw-3-checklist\"\n\n[[answer]]\nrequirement = \"org-1\"\nresult = \"maybe\"\n";
    std::fs::write(tmp.path().join("a.toml"), text).unwrap();
    let o = sansho_in(tmp.path(), &["check", "a.toml"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    says(&stderr(&o), &["a.toml:5:10: 実施状況 \"maybe\" は使えない語です"], &["unknown result", "write one of"]);
    let text = text.replace("maybe", "該当なし");
    std::fs::write(tmp.path().join("a.toml"), text).unwrap();
    let o = sansho_in(tmp.path(), &["check", "a.toml"], None);
    says(&stderr(&o), &["a.toml:5:10: \"org-1\" は該当なし: 理由（`justification`）が必要です"], &["is mandatory"]);
    let o = sansho_in(tmp.path(), &["check", "a.toml"], Some("en"));
    says(
        &stderr(&o),
        &["a.toml:5:10: \"org-1\" is 該当なし (not applicable): a `justification` is mandatory"],
        &["理由"],
    );
}

#[test]
fn a_malformed_oscal_document_is_reported_in_japanese_with_its_pointer() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("plan.json"), r#"{"assessment-plan": {"uuid": "x"}}"#).unwrap();
    let args = ["oscal", "import", "plan.json", "--into", "cats", "--id", "plan"];
    let o = sansho_in(tmp.path(), &args, None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    says(
        &stderr(&o),
        &[
            "plan.json: /assessment-plan: モデルが違います: sansho が取り込むのは OSCAL のカタログかプロファイルで、`assessment-plan` ではありません",
        ],
        &["wrong model", "sansho imports"],
    );
    let o = sansho_in(tmp.path(), &args, Some("en"));
    says(
        &stderr(&o),
        &[
            "plan.json: /assessment-plan: wrong model: sansho imports an OSCAL catalog or profile, not `assessment-plan`",
        ],
        &["モデル"],
    );
    assert!(!tmp.path().join("cats").exists());
}

#[test]
fn a_malformed_user_catalog_is_reported_in_japanese_with_its_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("mine")).unwrap();
    let text = "[catalog]\nid = \"mine\"\nkind = \"bogus\"\ntitle = \"私のカタログ\"\nedition = \"1\"\n\n[[requirement]]\nid = \"q1\"\nkind = \"item\"\nlabel = \"Q1\"\ntext = \"本文\"\n";
    std::fs::write(tmp.path().join("mine/mine.toml"), text).unwrap();
    let o = sansho_in(tmp.path(), &["--catalogs", "mine", "catalog", "list"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    says(
        &stderr(&o),
        &[
            "カタログに 1 件のエラーがあります",
            "mine/mine.toml:3:8: エラー [kind]: kind に \"bogus\" は使えません。次のいずれかを書いてください: guideline, checklist, questionnaire",
        ],
        &["error [kind]", "unknown kind", "expected one of"],
    );
    let o = sansho_in(tmp.path(), &["--catalogs", "mine", "catalog", "list"], Some("en"));
    says(
        &stderr(&o),
        &[
            "mine/mine.toml:3:8: error [kind]: unknown kind \"bogus\"; expected one of: guideline, checklist, questionnaire",
        ],
        &["使えません"],
    );
}

#[test]
fn usage_errors_are_in_japanese_unless_english_is_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let english = ["error:", "Usage:", "For more information", "unrecognized", "invalid value", "unexpected argument"];
    // A mistyped subcommand, with clap's suggestion.
    let o = sansho_in(tmp.path(), &["catalog", "lst"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    says(
        &stderr(&o),
        &[
            "エラー: 不明なサブコマンド 'lst' です",
            "ヒント: 'list' のことですか？",
            "使い方: sansho catalog",
            "詳しくは '--help' を参照してください。",
        ],
        &english,
    );
    // An invalid value, with the possible values.
    let o = sansho_in(tmp.path(), &["--lang", "fr", "catalog", "list"], None);
    assert_eq!(o.status.code(), Some(2));
    says(&stderr(&o), &["エラー: 'fr' は --lang <LANG> の値として使えません", "使える値: ja, en"], &english);
    // An unknown option, with the one meant.
    let o = sansho_in(tmp.path(), &["catalog", "list", "--jsn"], None);
    assert_eq!(o.status.code(), Some(2));
    says(&stderr(&o), &["エラー: 予期しない引数 '--jsn' があります", "'--json' のことですか？"], &english);
    // A missing argument, and one too many.
    let o = sansho_in(tmp.path(), &["check"], None);
    assert_eq!(o.status.code(), Some(2));
    says(&stderr(&o), &["エラー: 必要な引数が指定されていません: <FILE>", "使い方: sansho check"], &english);
    let o = sansho_in(tmp.path(), &["db", "path", "extra"], None);
    assert_eq!(o.status.code(), Some(2));
    says(&stderr(&o), &["エラー: 予期しない引数 'extra' があります"], &english);
    // English, asked for on the command line or in the environment: clap's own words.
    for (args, env) in [(&["--lang", "en", "catalog", "lst"][..], None), (&["catalog", "lst"][..], Some("en"))] {
        let o = sansho_in(tmp.path(), args, env);
        assert_eq!(o.status.code(), Some(2));
        says(
            &stderr(&o),
            &["error: unrecognized subcommand 'lst'", "Usage: sansho catalog", "For more information"],
            &["エラー"],
        );
    }
    let o = sansho_in(tmp.path(), &["catalog", "lst", "--lang=en"], None);
    says(&stderr(&o), &["error: unrecognized subcommand 'lst'"], &["エラー"]);
    // Help and version stay clap's, with success.
    let o = sansho_in(tmp.path(), &["--version"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("sansho "));
    let o = sansho_in(tmp.path(), &["check", "--help"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Usage: sansho check"));
}

#[test]
fn catalog_fill_reports_the_rows_of_the_users_file_in_japanese() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("texts.csv"), "ラベル,本文\n5.1.5 ①,\n9.9.9,y\n").unwrap();
    let args = ["catalog", "fill", "meti-mic-2", "texts.csv", "--out", "cats"];
    let o = sansho_in(tmp.path(), &args, None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    says(
        &stderr(&o),
        &[
            "texts.csv:2:2: \"5.1.5 ①\" の本文が空です",
            "texts.csv:3:1: \"9.9.9\" は meti-mic-2 のラベルでも ID でもありません",
            "何も書き込んでいません。",
        ],
        &["is empty", "is not a label", "Nothing was written"],
    );
    let o = sansho_in(tmp.path(), &args, Some("en"));
    says(
        &stderr(&o),
        &[
            "texts.csv:2:2: the text of \"5.1.5 ①\" is empty",
            "texts.csv:3:1: \"9.9.9\" is not a label or id of meti-mic-2",
        ],
        &["本文が空"],
    );
    assert!(!tmp.path().join("cats").exists());
}
