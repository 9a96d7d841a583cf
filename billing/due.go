package billing

import "errors"

// DueDate is the due date of an invoice issued on issue (YYYY-MM-DD) with
// payment terms of termsDays: the issue date plus the terms; issue itself
// when it does not read as a date.
func DueDate(issue string, termsDays int) string {
	d, err := ParseDate(issue)
	if err != nil {
		return issue
	}
	return d.AddDate(0, 0, termsDays).Format(DateLayout)
}

// TermsUntil is the payment terms, in days, that make an invoice issued on
// issue due on due (both YYYY-MM-DD): an explicit due date is kept as the
// terms it implies. A due date before the issue date is refused.
func TermsUntil(issue, due string) (int, error) {
	i, err := ParseDate(issue)
	if err != nil {
		return 0, errors.New("enter the issue date first")
	}
	d, err := ParseDate(due)
	if err != nil {
		return 0, errors.New("enter the due date as YYYY-MM-DD")
	}
	if d.Before(i) {
		return 0, errors.New("the due date is on or after the issue date")
	}
	return int(d.Sub(i).Hours()+12) / 24, nil
}
