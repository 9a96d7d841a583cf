package handlers

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/gofiber/fiber/v2"

	"mintedmind/db/control"
)

// shippedPolicyPath is the policy text shipped in the binary, inside Views.
const shippedPolicyPath = "views/legal/privacy-policy.txt"

// shippedPolicy parses the policy text shipped in the binary (version 1).
func (h *Handlers) shippedPolicy() (*control.Policy, error) {
	b, err := fs.ReadFile(h.Views, shippedPolicyPath)
	if err != nil {
		return nil, fmt.Errorf("handlers: shipped privacy policy: %w", err)
	}
	return control.ParseShippedPolicy(string(b))
}

// policy returns the privacy policy in force: the operator's latest
// version, or the shipped text.
func (h *Handlers) policy(c *fiber.Ctx) (*control.Policy, error) {
	shipped, err := h.shippedPolicy()
	if err != nil {
		return nil, err
	}
	return h.Control.PrivacyPolicy(c.UserContext(), shipped)
}

// policyBlock is a heading, a paragraph or a list of the policy text.
type policyBlock struct {
	Heading string
	Text    string
	Items   []string
}

// policyBlocks reads the policy's plain text: a line "N. Title" is a
// heading, lines starting "- " are list items, other lines paragraphs.
func policyBlocks(body string) []policyBlock {
	var out []policyBlock
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "- "):
			item := strings.TrimSpace(line[2:])
			if n := len(out); n > 0 && out[n-1].Items != nil {
				out[n-1].Items = append(out[n-1].Items, item)
			} else {
				out = append(out, policyBlock{Items: []string{item}})
			}
		case isPolicyHeading(line):
			out = append(out, policyBlock{Heading: line})
		default:
			out = append(out, policyBlock{Text: line})
		}
	}
	return out
}

func isPolicyHeading(line string) bool {
	num, rest, ok := strings.Cut(line, ". ")
	if !ok || num == "" || len(num) > 2 || len(rest) > 80 || strings.HasSuffix(rest, ".") {
		return false
	}
	for _, r := range num {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// privacyView is the privacy policy page.
type privacyView struct {
	Page
	Policy     *control.Policy
	Blocks     []policyBlock             // the policy's text
	Controller control.PrivacyController // who it names as controller, from the operator's settings
}

// Privacy shows the privacy policy with its version and last-updated date.
func (h *Handlers) Privacy(c *fiber.Ctx) error {
	p, err := h.policy(c)
	if err != nil {
		return err
	}
	pc, err := h.Control.PrivacyController(c.UserContext())
	if err != nil {
		return err
	}
	return h.page(c, "pages/privacy/index", &privacyView{Page: Page{Title: "Privacy policy"}, Policy: p, Blocks: policyBlocks(p.Body), Controller: pc})
}
