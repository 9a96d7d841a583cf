package billing

import (
	"fmt"
	"time"
)

// Schedule frequencies.
const (
	Weekly    = "weekly"
	Monthly   = "monthly"
	Quarterly = "quarterly"
	Yearly    = "yearly"
	EveryN    = "months" // every IntervalMonths months
)

// Frequencies lists the schedule frequencies in the order forms offer them.
var Frequencies = []string{Weekly, Monthly, Quarterly, Yearly, EveryN}

// DateLayout is the calendar-day format of every date in billing.
const DateLayout = "2006-01-02"

// Schedule is when a recurring invoice falls due to be made. Every date is
// computed from Start and the period's index alone, never from the
// previous date, so the 31st stays the 31st after a short month and a run
// that was missed or late never moves a later one.
type Schedule struct {
	Frequency      string
	IntervalMonths int       // for EveryN: 1 to 36
	Start          time.Time // a calendar day (UTC midnight)
	End            time.Time // last day a period may start on; zero for none
	Count          int       // number of periods; 0 for no limit
}

// Validate checks the schedule.
func (s Schedule) Validate() error {
	switch s.Frequency {
	case Weekly, Monthly, Quarterly, Yearly:
	case EveryN:
		if s.IntervalMonths < 1 || s.IntervalMonths > 36 {
			return fmt.Errorf("every N months needs N from 1 to 36")
		}
	default:
		return fmt.Errorf("unknown frequency %q", clip(s.Frequency))
	}
	if s.Start.IsZero() {
		return fmt.Errorf("a start date is needed")
	}
	if !s.End.IsZero() && s.End.Before(s.Start) {
		return fmt.Errorf("the end date is before the start date")
	}
	if s.Count < 0 || s.Count > 1000 {
		return fmt.Errorf("the count is 0 (no limit) to 1000")
	}
	return nil
}

// months is how many months a period lasts, 0 for weekly.
func (s Schedule) months() int {
	switch s.Frequency {
	case Monthly:
		return 1
	case Quarterly:
		return 3
	case Yearly:
		return 12
	case EveryN:
		return s.IntervalMonths
	}
	return 0
}

// Date returns the day period i (0 is the start) falls on, and false when
// the schedule has ended before it.
func (s Schedule) Date(i int) (time.Time, bool) {
	if i < 0 || (s.Count > 0 && i >= s.Count) {
		return time.Time{}, false
	}
	var d time.Time
	if s.Frequency == Weekly {
		d = s.Start.AddDate(0, 0, 7*i)
	} else {
		d = AddMonthsClamped(s.Start, s.months()*i)
	}
	if !s.End.IsZero() && d.After(s.End) {
		return time.Time{}, false
	}
	return d, true
}

// Next returns up to n dates of periods from index from on.
func (s Schedule) Next(from, n int) []time.Time {
	var out []time.Time
	for i := from; len(out) < n; i++ {
		d, ok := s.Date(i)
		if !ok {
			break
		}
		out = append(out, d)
	}
	return out
}

// AddMonthsClamped adds months to a day, keeping its day of the month or,
// when the target month is shorter, taking its last day (31 January + 1
// month = 28 or 29 February).
func AddMonthsClamped(d time.Time, months int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a YYYY-MM-DD calendar day.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(DateLayout, s)
	if err != nil || d.Year() < 2000 || d.Year() > 2200 {
		return time.Time{}, fmt.Errorf("enter a date as YYYY-MM-DD")
	}
	return d, nil
}
