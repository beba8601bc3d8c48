//! How a record is stored, apart from what it is (`model`): the YAML that
//! lsms writes (`yaml_write`), the fast reader for exactly that YAML
//! (`yaml_read`), and the cache's binary form (`binary`). Pure: text and
//! bytes in and out, no files.

pub mod binary;
pub mod cell;
pub mod node;
pub mod schema;
pub mod yaml_read;
pub mod yaml_write;
