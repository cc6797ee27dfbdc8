use std::time::Duration;

/// Why a duration string could not be read.
#[derive(Debug, PartialEq)]
pub enum ParseDurationError {
    Empty,
    BadNumber(String),
    UnknownUnit(String),
}

/// Parses a human duration such as "90s", "15m" or "2h" into a `Duration`.
pub fn parse_duration(text: &str) -> Result<Duration, ParseDurationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ParseDurationError::Empty);
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| ParseDurationError::BadNumber(digits.to_string()))?;
    match unit {
        "s" | "" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        other => Err(ParseDurationError::UnknownUnit(other.to_string())),
    }
}
