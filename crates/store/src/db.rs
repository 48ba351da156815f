//! The two back ends behind one small interface: run a statement, read rows of plain values.
//!
//! SQL is written once, in the dialect both SQLite and PostgreSQL accept, with `?1`, `?2`…
//! placeholders; for PostgreSQL they become `$1`, `$2`…. Values are four plain kinds (the
//! schema uses BIGINT, DOUBLE PRECISION and TEXT only), so rows read the same on both.

use crate::StoreError;

/// One SQL value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Value {
    pub fn as_i64(&self) -> i64 {
        match self {
            Value::Int(i) => *i,
            Value::Real(r) => *r as i64,
            Value::Text(t) => t.parse().unwrap_or(0),
            Value::Null => 0,
        }
    }

    pub fn as_f64(&self) -> f64 {
        match self {
            Value::Int(i) => *i as f64,
            Value::Real(r) => *r,
            Value::Text(t) => t.parse().unwrap_or(0.0),
            Value::Null => 0.0,
        }
    }

    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Text(t) => Some(t.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Real(r) => Some(r.to_string()),
            Value::Null => None,
        }
    }

    /// Text, or the empty string for NULL.
    pub fn text(&self) -> String {
        self.as_text().unwrap_or_default()
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(r: f64) -> Self {
        Value::Real(r)
    }
}
// PostgreSQL's TEXT cannot hold NUL; hostile input may: NULs are dropped on the way in.
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.replace('\0', ""))
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        if s.contains('\0') {
            Value::Text(s.replace('\0', ""))
        } else {
            Value::Text(s)
        }
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        s.as_str().into()
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

pub type Row = Vec<Value>;

/// Which database a store lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub enum Db {
    Sqlite(rusqlite::Connection),
    Postgres(Box<Postgres>),
}

/// A PostgreSQL connection and its prepared statements (prepared once: an import runs the
/// same few statements thousands of times, and each prepare is a round trip).
pub struct Postgres {
    pub client: postgres::Client,
    statements: std::collections::HashMap<String, postgres::Statement>,
}

impl Postgres {
    pub fn new(client: postgres::Client) -> Self {
        Postgres {
            client,
            statements: std::collections::HashMap::new(),
        }
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let dollars = dollar_placeholders(sql);
        let s = self
            .client
            .prepare(&dollars)
            .map_err(|e| sql_error(&dollars, pg_reason(e)))?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Run statements without parameters (DDL, BEGIN/COMMIT).
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(c) => c.execute_batch(sql).map_err(|e| sql_error(sql, e)),
            Db::Postgres(c) => c
                .client
                .batch_execute(sql)
                .map_err(|e| sql_error(sql, pg_reason(e))),
        }
    }

    /// Run one statement; the number of rows it changed.
    pub fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql).map_err(|e| sql_error(sql, e))?;
                stmt.execute(rusqlite::params_from_iter(params.iter()))
                    .map(|n| n as u64)
                    .map_err(|e| sql_error(sql, e))
            }
            Db::Postgres(c) => {
                let statement = c.statement(sql)?;
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as _).collect();
                c.client
                    .execute(&statement, &refs)
                    .map_err(|e| sql_error(sql, pg_reason(e)))
            }
        }
    }

    /// Run a query; every row as plain values.
    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql).map_err(|e| sql_error(sql, e))?;
                let width = stmt.column_count();
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(params.iter()), |row| {
                        (0..width)
                            .map(|i| {
                                Ok(match row.get_ref(i)? {
                                    rusqlite::types::ValueRef::Null => Value::Null,
                                    rusqlite::types::ValueRef::Integer(i) => Value::Int(i),
                                    rusqlite::types::ValueRef::Real(r) => Value::Real(r),
                                    rusqlite::types::ValueRef::Text(t)
                                    | rusqlite::types::ValueRef::Blob(t) => {
                                        Value::Text(String::from_utf8_lossy(t).into_owned())
                                    }
                                })
                            })
                            .collect::<rusqlite::Result<Row>>()
                    })
                    .map_err(|e| sql_error(sql, e))?;
                rows.collect::<rusqlite::Result<Vec<Row>>>()
                    .map_err(|e| sql_error(sql, e))
            }
            Db::Postgres(c) => {
                let statement = c.statement(sql)?;
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as _).collect();
                let rows = c
                    .client
                    .query(&statement, &refs)
                    .map_err(|e| sql_error(sql, pg_reason(e)))?;
                rows.iter()
                    .map(|row| {
                        (0..row.len())
                            .map(|i| pg_value(row, i))
                            .collect::<Result<Row, postgres::Error>>()
                    })
                    .collect::<Result<Vec<Row>, _>>()
                    .map_err(|e| sql_error(sql, pg_reason(e)))
            }
        }
    }

    /// The first row of a query, if any.
    pub fn query_row(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// A query that returns one number (`SELECT COUNT(*)…`).
    pub fn count(&mut self, sql: &str, params: &[Value]) -> Result<i64, StoreError> {
        Ok(self
            .query_row(sql, params)?
            .and_then(|r| r.into_iter().next())
            .map_or(0, |v| v.as_i64()))
    }

    /// Rows of `(name, count)`, as `GROUP BY name` queries give them, in the query's order.
    pub fn counts_by(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(self
            .query(sql, params)?
            .into_iter()
            .map(|r| (r[0].text(), r[1].as_i64()))
            .collect())
    }
}

fn sql_error(sql: &str, e: impl std::fmt::Display) -> StoreError {
    let head: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let head: String = head.chars().take(120).collect();
    StoreError::Sql {
        statement: head,
        reason: e.to_string(),
    }
}

/// The server's own message (the error's Display says only "db error").
fn pg_reason(e: postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

fn pg_value(row: &postgres::Row, i: usize) -> Result<Value, postgres::Error> {
    use postgres::types::Type;
    let ty = row.columns()[i].type_().clone();
    Ok(if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?
            .map_or(Value::Null, Value::Int)
    } else if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map_or(Value::Null, |v| Value::Int(v.into()))
    } else if ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)?
            .map_or(Value::Null, |v| Value::Int(v.into()))
    } else if ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(i)?
            .map_or(Value::Null, Value::Real)
    } else if ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?
            .map_or(Value::Null, |b| Value::Int(b.into()))
    } else {
        row.try_get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::Text)
    })
}

/// `?1` → `$1`. Our SQL has no `?` inside string literals (values always go as parameters).
pub fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            // A parameter's type is what PostgreSQL inferred from the statement: write the
            // value in that type, so one Value fits BIGINT, INTEGER or TEXT columns alike.
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::FLOAT8 => (*i as f64).to_sql(ty, out),
            Value::Int(i) if *ty == Type::TEXT || *ty == Type::VARCHAR => {
                i.to_string().to_sql(ty, out)
            }
            Value::Int(i) => i.to_sql(ty, out),
            Value::Real(r) => r.to_sql(ty, out),
            Value::Text(t) if *ty == Type::INT8 => t.parse::<i64>()?.to_sql(ty, out),
            Value::Text(t) => t.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_ty: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars() {
        assert_eq!(
            dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
    }
}
