package e2e

import "github.com/chromedp/chromedp"

// click clicks the first element that matches a CSS selector.
func (b *browser) click(selector string) {
	b.t.Helper()
	b.run(chromedp.Click(selector, chromedp.ByQuery))
}

// startReport opens the report form and answers its first three steps with
// the mouse - nobody in immediate danger, a child not yet known of the
// given age, and what happened - leaving b on the step that asks for the
// kinds of concern. Walks that test what a report's confirmation says
// differ only after that step.
func (b *browser) startReport(base, age, happened string) {
	b.t.Helper()
	b.run(chromedp.Navigate(base+"/report"), chromedp.WaitVisible("main form", chromedp.ByQuery))
	b.click(`input[name=danger][value=no]`)
	b.submit(`.actions button[value=next]`)
	b.click(`input[name=child][value=new]`)
	b.run(chromedp.SendKeys("#child-age", age, chromedp.ByQuery))
	b.submit(`.actions button[value=next]`)
	b.run(chromedp.SendKeys("#description", happened, chromedp.ByQuery))
	b.submit(`.actions button[value=next]`)
}
