//! The one mapping between the typed state of [`crate::model`] and the text `archive.db` stores:
//! `ToSql`/`FromSql` for each state enum (through its `as_str`/`FromStr`), and [`column`], the
//! reader that turns a value no enum knows (or an id out of range) into an error naming the table,
//! the row and the value. Nothing here reads a state as a default.

use std::fmt::Display;

use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};

use crate::model::{
    AssetKind, AssetState, CommentsState, EntryState, PageKind, PostStatus, SlugState,
};

macro_rules! text_sql {
    ($($ty:ty),+) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

text_sql!(
    EntryState,
    AssetState,
    CommentsState,
    AssetKind,
    PageKind,
    PostStatus,
    SlugState
);

/// A stored value that cannot be read back: the database was changed by something else, or is
/// damaged. Names the table, the row and the column.
#[derive(Debug, thiserror::Error)]
#[error(
    "{table} row {row}, column {column}: {problem} (this tool never writes that value: correct or delete the row with sqlite3)"
)]
pub struct CorruptValue {
    /// The table.
    pub table: &'static str,
    /// The row's key, as text.
    pub row: String,
    /// The column.
    pub column: String,
    /// What is wrong with the value.
    pub problem: String,
}

/// Reads column `idx` of a row of `table` (whose key is `row`) as `T`. A value `T` cannot take
/// becomes a [`CorruptValue`] (inside rusqlite's conversion error, so it reaches [`super::DbError`]).
pub(super) fn column<T: FromSql>(
    r: &Row<'_>,
    idx: usize,
    table: &'static str,
    row: &dyn Display,
) -> rusqlite::Result<T> {
    r.get::<_, T>(idx).map_err(|e| {
        let problem = match &e {
            rusqlite::Error::FromSqlConversionFailure(_, _, source) => source.to_string(),
            rusqlite::Error::IntegralValueOutOfRange(_, value) => {
                format!("{value} is out of range")
            }
            rusqlite::Error::InvalidColumnType(_, _, found) => format!("unexpected {found} value"),
            _ => return e,
        };
        let column = r
            .as_ref()
            .column_name(idx)
            .map_or_else(|_| idx.to_string(), str::to_string);
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            Type::Text,
            Box::new(CorruptValue {
                table,
                row: row.to_string(),
                column,
                problem,
            }),
        )
    })
}

/// Reads an entry id column (`INTEGER`, never negative).
pub(super) fn id_column(
    r: &Row<'_>,
    idx: usize,
    table: &'static str,
) -> rusqlite::Result<crate::model::EntryId> {
    let raw: rusqlite::types::Value = r.get(idx)?;
    let shown = match &raw {
        rusqlite::types::Value::Integer(n) => n.to_string(),
        other => format!("{other:?}"),
    };
    column(r, idx, table, &format!("with id {shown}"))
}
