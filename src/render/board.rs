//! The board pack as HTML (to come).
