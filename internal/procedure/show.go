package procedure

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// shownDoc is the merged procedure as procedure show prints it: the baseline
// with the local file applied, the overrides with their reasons, the rules
// the usual bank holidays follow, and every other holiday in the calendar.
type shownDoc struct {
	Name         string              `yaml:"name"`
	Version      string              `yaml:"version"`
	Baseline     string              `yaml:"baseline,omitempty"`
	LocalFile    string              `yaml:"local_file,omitempty"`
	TimeZone     string              `yaml:"time_zone"`
	WorkingDay   workingDayDoc       `yaml:"working_day"`
	NowWindow    string              `yaml:"now_window"`
	BankHolidays string              `yaml:"bank_holidays"`
	Holidays     []holidayDoc        `yaml:"holidays"`
	Sets         map[string][]string `yaml:"sets"`
	Routes       []routeDoc          `yaml:"routes"`
	Guidance     []string            `yaml:"guidance"`
	Rules        []ruleDoc           `yaml:"rules"`
	Overrides    []shownOverride     `yaml:"overrides,omitempty"`
	Warnings     []warningDoc        `yaml:"warnings"`
	// History is the baseline's: what each of its versions changed.
	History []historyDoc `yaml:"history"`
}

type shownOverride struct {
	Rule     string `yaml:"rule"`
	Reason   string `yaml:"reason"`
	Disabled bool   `yaml:"disabled,omitempty"`
}

// YAML returns the procedure in force as YAML.
func (p *Procedure) YAML() ([]byte, error) {
	d := shownDoc{
		Name: p.ref.Name, Version: p.ref.Version,
		TimeZone: p.doc.TimeZone, WorkingDay: p.doc.WorkingDay, NowWindow: windowText(p.nowWindow),
		Sets: p.doc.Sets, Routes: p.doc.Routes, Guidance: p.doc.Guidance,
		Rules: p.doc.Rules, Warnings: p.doc.Warnings, History: p.doc.History,
	}
	if p.local != nil {
		d.Baseline = p.baseline.Name + " " + p.baseline.Version
		d.LocalFile = p.local.File
		for _, o := range p.local.Overrides {
			d.Overrides = append(d.Overrides, shownOverride(o))
		}
	}
	// The usual holidays of each year would be some fourteen hundred lines:
	// say the rule once and list the rest.
	d.BankHolidays = fmt.Sprintf("England and Wales, computed for %d to %d: New Year's Day, Good Friday, Easter Monday, "+
		"the early May, spring and summer bank holidays, Christmas Day and Boxing Day, each moved to the next "+
		"weekday that is not a holiday when it falls at a weekend; one-off and moved holidays, and local ones, "+
		"are listed under holidays", firstRuleYear, lastRuleYear)
	usual := map[Holiday]bool{}
	for year := firstRuleYear; year <= lastRuleYear; year++ {
		for _, h := range englandAndWalesRules(year) {
			usual[h] = true
		}
	}
	for _, h := range p.holidays {
		if !usual[h] {
			d.Holidays = append(d.Holidays, holidayDoc{Date: h.Date.String(), Name: h.Name})
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}
