//! Tolerant readers for Tistory's mobile JSON APIs, whose shapes are known only from third-party
//! code (anatomy note §2, §6): numbers that may arrive as strings, payloads under `data` or at the
//! top level, an optional `code` status. Shared by the entry-list and comment parsers. Pure.

use serde_json::Value;

use super::error::DocumentError;

/// Parses `json`; `what` names the document in errors ("entry list", "comment page").
pub(crate) fn parse(json: &str, what: &'static str) -> Result<Value, DocumentError> {
    let json = json.trim_start_matches('\u{feff}');
    let value: Value =
        serde_json::from_str(json).map_err(|source| DocumentError::NotJson { what, source })?;
    if !value.is_object() {
        return Err(DocumentError::NotObject { what });
    }
    if let Some(code) = value
        .get("code")
        .and_then(lenient_u64)
        .filter(|c| *c != 200)
    {
        let message = ["message", "msg", "error"]
            .iter()
            .find_map(|k| value.get(*k).and_then(Value::as_str))
            .map(str::to_owned);
        return Err(DocumentError::Refused {
            what,
            code,
            message,
        });
    }
    Ok(value)
}

/// The payload: `data` when it is an object, else the document itself.
pub(crate) fn payload(value: &Value) -> &Value {
    value.get("data").filter(|d| d.is_object()).unwrap_or(value)
}

/// The item array: `data.items`, `items`, or `data` itself when it is an array.
pub(crate) fn items<'a>(
    value: &'a Value,
    what: &'static str,
) -> Result<&'a [Value], DocumentError> {
    payload(value)
        .get("items")
        .or_else(|| value.get("items"))
        .or_else(|| value.get("data").filter(|d| d.is_array()))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or_else(|| DocumentError::NoItems {
            what,
            keys: keys(value),
        })
}

/// The first of `names` found in the payload, then at the top level.
pub(crate) fn field<'a>(value: &'a Value, names: &[&str]) -> Option<&'a Value> {
    let payload = payload(value);
    names
        .iter()
        .find_map(|n| payload.get(*n))
        .or_else(|| names.iter().find_map(|n| value.get(*n)))
}

/// A non-negative integer given as a JSON integer (`637`) or a string (`"637"`).
pub(crate) fn lenient_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean given as `true`/`false` or as the strings `"true"`/`"false"`.
pub(crate) fn lenient_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A non-empty trimmed string.
pub(crate) fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn keys(value: &Value) -> String {
    let mut names: Vec<String> = value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(data) = value.get("data") {
        match data.as_object() {
            Some(o) => names.extend(o.keys().map(|k| format!("data.{k}"))),
            None => names.push(format!("data={data}")),
        }
    }
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;
    use serde_json::json;

    use super::*;

    #[rstest]
    #[case::number(json!(637), Some(637))]
    #[case::string(json!(" 637 "), Some(637))]
    #[case::negative(json!(-1), None)]
    #[case::fraction(json!(1.5), None)]
    #[case::word(json!("next"), None)]
    #[case::null(json!(null), None)]
    fn numbers(#[case] value: Value, #[case] expected: Option<u64>) {
        assert_eq!(lenient_u64(&value), expected);
    }

    #[rstest]
    #[case::code_404(r#"{"code":404,"message":"not found"}"#, "code 404: not found")]
    #[case::code_string(r#"{"code":"500"}"#, "code 500")]
    #[case::array("[1]", "not a JSON object")]
    #[case::html("<html>", "not JSON")]
    fn errors(#[case] json: &str, #[case] needle: &str) {
        let err = crate::report::error_chain(&parse(json, "entry list").unwrap_err());
        assert!(err.contains(needle), "{err}");
    }

    #[test]
    fn missing_items_names_the_keys_found() {
        let value = parse(r#"{"code":200,"data":{"list":[]}}"#, "entry list").unwrap();
        let err = items(&value, "entry list").unwrap_err().to_string();
        assert!(err.contains("code, data, data.list"), "{err}");
    }
}
