//! The proleptic Gregorian calendar as Go's package time computes it.
//!
//! OPA's time builtins run on Go's time.Time, so dates are counted the way Go
//! counts them: days since an "absolute" epoch (March 1 of a year far in the
//! past, so that every instant of an int64 count of seconds has a positive day
//! number and leap days fall at the end of a year). Go's `int` is 64 bits and
//! wraps on overflow, and time.add_date can feed Go's arithmetic values that do
//! overflow (a month count near 2^63 wraps back to a date in range), so every
//! operation that input can overflow wraps here exactly as it does in Go.
const std = @import("std");
const assert = std.debug.assert;

pub const seconds_per_minute = 60;
pub const seconds_per_hour = 60 * seconds_per_minute;
pub const seconds_per_day = 24 * seconds_per_hour;
pub const days_per_400_years = 365 * 400 + 97;

/// Days from March 1 to the end of the year: an absolute year starts on March 1.
const march_thru_december = 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31;

/// Years from the absolute epoch to year 0 (Go's choice; a multiple of 400).
const absolute_years: u64 = 292277022400;

/// Seconds from January 1, year 1 (Go's internal epoch) to the Unix epoch.
pub const unix_to_internal: i64 = (1969 * 365 + 1969 / 4 - 1969 / 100 + 1969 / 400) * seconds_per_day;
pub const internal_to_unix: i64 = -unix_to_internal;

/// Seconds from the absolute epoch to the internal epoch.
const internal_to_absolute: i64 = (absolute_years / 400 * days_per_400_years + march_thru_december) * seconds_per_day;

/// Added to Unix seconds (with wrapping) to get absolute seconds.
pub const unix_to_absolute: i64 = unix_to_internal + internal_to_absolute;
pub const absolute_to_unix: i64 = -unix_to_absolute;

pub const Weekday = enum(u3) {
    sunday,
    monday,
    tuesday,
    wednesday,
    thursday,
    friday,
    saturday,

    pub fn name(day: Weekday) []const u8 {
        return long_day_names[@intFromEnum(day)];
    }
};

pub const long_day_names = [7][]const u8{ "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
pub const short_day_names = [7][]const u8{ "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
pub const long_month_names = [12][]const u8{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};
pub const short_month_names = [12][]const u8{ "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

pub const Date = struct {
    year: i64,
    /// 1 (January) to 12.
    month: u4,
    /// 1 to 31.
    day: u5,
};

pub const Clock = struct { hour: u5, minute: u6, second: u6 };

/// Go's isLeap for any int year (Go's `%` truncates toward zero).
pub fn isLeap(year: i64) bool {
    const mask: i64 = if (@rem(year, 25) != 0) 3 else 15;
    return year & mask == 0;
}

/// Days in `month` (1-12) of `year`.
pub fn daysIn(month: u4, year: i64) u5 {
    assert(month >= 1 and month <= 12);
    if (month == 2) return if (isLeap(year)) 29 else 28;
    const lengths = [12]u5{ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return lengths[month - 1];
}

/// Days before the first of `month` (1-13) in a non-leap year.
pub fn daysBefore(month: u4) u9 {
    assert(month >= 1 and month <= 13);
    const before = [13]u9{ 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 };
    return before[month - 1];
}

/// Go's norm: (hi, lo) such that hi*base + lo is unchanged and 0 <= lo < base,
/// with Go's wrapping arithmetic.
pub fn norm(hi: i64, lo: i64, base: i64) struct { i64, i64 } {
    assert(base > 0);
    var h = hi;
    var l = lo;
    if (l < 0) {
        const n = @divTrunc(-%l -% 1, base) +% 1;
        h -%= n;
        l +%= n *% base;
    }
    if (l >= base) {
        const n = @divTrunc(l, base);
        h +%= n;
        l -%= n *% base;
    }
    return .{ h, l };
}

/// Days from the absolute epoch to year-month-day; `day` may be out of range
/// (day 0 is the last day of the previous month). Month is 1-12.
pub fn absDaysFromDate(year: i64, month: u4, day: i64) u64 {
    assert(month >= 1 and month <= 12);
    // Count from March: January and February are months 13 and 14 of the
    // previous year, so a leap day is the last day of its absolute year.
    const jan_feb: u32 = @intFromBool(month < 3);
    const amonth: u32 = @as(u32, month) + 12 * jan_feb;
    const y = @as(u64, @bitCast(year)) -% jan_feb +% absolute_years;
    const day_of_year: u32 = (153 * amonth - 457) / 5;
    const century = y / 100;
    const year_of_century: u32 = @intCast(y % 100);
    const century_days = (146097 *% century) / 4;
    const days_in_century: i64 = (1461 * year_of_century) / 4 + day_of_year;
    return century_days +% @as(u64, @bitCast(days_in_century +% day -% 1));
}

/// The absolute day split into century, year of century and day of the
/// (March-based) year.
const Split = struct { century: u64, year_of_century: u32, day_of_year: u32 };

fn split(days: u64) Split {
    const d = 4 *% days +% 3;
    const day_of_century4: u32 = @intCast(d % (4 * 36524 + 1));
    // day_of_century4 is 4*day_of_century + 3 (the low bits of the division).
    const cd = day_of_century4 | 3;
    return .{
        .century = d / (4 * 36524 + 1),
        .year_of_century = cd / 1461,
        .day_of_year = (cd % 1461) / 4,
    };
}

fn isJanFeb(day_of_year: u32) bool {
    return day_of_year >= march_thru_december;
}

fn yearOf(s: Split) i64 {
    const base: i64 = @bitCast(s.century *% 100 -% absolute_years);
    return base +% s.year_of_century +% @intFromBool(isJanFeb(s.day_of_year));
}

/// The calendar date of an absolute day.
pub fn dateFromAbsDays(days: u64) Date {
    const s = split(days);
    assert(s.day_of_year <= 365);
    const m = 5 * s.day_of_year + 461;
    const amonth = m / 153; // 3 (March) .. 14 (February)
    const day = (m % 153) / 5 + 1;
    const month = if (isJanFeb(s.day_of_year)) amonth - 12 else amonth;
    return .{ .year = yearOf(s), .month = @intCast(month), .day = @intCast(day) };
}

/// The year and the 1-based day of the year of an absolute day.
pub fn yearDayFromAbsDays(days: u64) struct { year: i64, yday: i64 } {
    const s = split(days);
    const jan_feb = isJanFeb(s.day_of_year);
    const leap = s.year_of_century % 4 == 0 and (s.year_of_century != 0 or s.century % 4 == 0);
    var yday: i64 = @as(i64, s.day_of_year) + 1 + 31 + 28;
    if (jan_feb) yday -= 365 else if (leap) yday += 1;
    return .{ .year = yearOf(s), .yday = yday };
}

pub fn weekdayFromAbsDays(days: u64) Weekday {
    // The absolute epoch, a March 1 like March 1, 2000, was a Wednesday.
    return @enumFromInt((days +% @intFromEnum(Weekday.wednesday)) % 7);
}

pub fn clockFromAbsSeconds(abs: u64) Clock {
    const s = abs % seconds_per_day;
    return .{
        .hour = @intCast(s / seconds_per_hour),
        .minute = @intCast(s % seconds_per_hour / seconds_per_minute),
        .second = @intCast(s % seconds_per_minute),
    };
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

/// Naive reference: days from 1970-01-01 to the date, walking years.
fn naiveDaysFromUnixEpoch(year: i64, month: u4, day: u5) i64 {
    var days: i64 = 0;
    if (year >= 1970) {
        var y: i64 = 1970;
        while (y < year) : (y += 1) days += if (isLeap(y)) 366 else 365;
    } else {
        var y: i64 = year;
        while (y < 1970) : (y += 1) days -= if (isLeap(y)) 366 else 365;
    }
    days += daysBefore(month);
    if (month > 2 and isLeap(year)) days += 1;
    return days + day - 1;
}

const unix_epoch_abs_days: u64 = @intCast(@divExact(unix_to_absolute, seconds_per_day));

test "absolute days round-trip every day of 1600-2400 against a naive count" {
    var year: i64 = 1600;
    while (year <= 2400) : (year += 1) {
        var month: u4 = 1;
        while (month <= 12) : (month += 1) {
            var day_wide: u6 = 1;
            while (day_wide <= daysIn(month, year)) : (day_wide += 1) {
                const day: u5 = @intCast(day_wide);
                const abs = absDaysFromDate(year, month, day);
                const want = naiveDaysFromUnixEpoch(year, month, day);
                try testing.expectEqual(want, @as(i64, @intCast(abs)) - @as(i64, @intCast(unix_epoch_abs_days)));
                const date = dateFromAbsDays(abs);
                try testing.expectEqual(Date{ .year = year, .month = month, .day = day }, date);
                const yd = yearDayFromAbsDays(abs);
                var want_yday: i64 = @as(i64, daysBefore(month)) + day;
                if (month > 2 and isLeap(year)) want_yday += 1;
                try testing.expectEqual(year, yd.year);
                try testing.expectEqual(want_yday, yd.yday);
            }
        }
    }
}

test "weekday and clock" {
    try testing.expectEqual(Weekday.thursday, weekdayFromAbsDays(unix_epoch_abs_days));
    const abs: u64 = @intCast(unix_to_absolute + 1517832000); // 2018-02-05T12:00:00Z
    try testing.expectEqual(Weekday.monday, weekdayFromAbsDays(abs / seconds_per_day));
    try testing.expectEqual(Clock{ .hour = 12, .minute = 0, .second = 0 }, clockFromAbsSeconds(abs));
    try testing.expectEqualStrings("Monday", Weekday.monday.name());
}

test "norm wraps as Go's int arithmetic does" {
    try testing.expectEqual(.{ @as(i64, 1), @as(i64, 2) }, norm(0, 14, 12));
    try testing.expectEqual(.{ @as(i64, -1), @as(i64, 11) }, norm(0, -1, 12));
    try testing.expectEqual(.{ @as(i64, -2), @as(i64, 0) }, norm(0, -24, 12));
    const min = std.math.minInt(i64);
    const wrapped = norm(0, min, 12);
    try testing.expect(wrapped[1] >= 0 and wrapped[1] < 12);
    _ = norm(std.math.maxInt(i64), std.math.maxInt(i64), 60);
}

test "leap years" {
    try testing.expect(isLeap(2000) and isLeap(2024) and isLeap(0) and isLeap(-4));
    try testing.expect(!isLeap(1900) and !isLeap(2023) and !isLeap(-1));
    try testing.expectEqual(@as(u5, 29), daysIn(2, 2020));
    try testing.expectEqual(@as(u5, 28), daysIn(2, 2100));
}
