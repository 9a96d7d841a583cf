package tenant_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestReplyTokens: a reply token is kept only as its hash, names its
// agency, and is refused when unknown, in another agency, from another
// sender, expired or revoked.
func TestReplyTokens(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "replies")
	other, _ := f.mustOpenAgency(t, "replies-other")
	ctx := context.Background()
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Acme", ""), Title: "Website"})
	secret, err := tn.IssueReplyToken(ctx, k.ID, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := tenant.AgencyOfReplyToken(secret); got != tn.AgencyID {
		t.Fatalf("secret names agency %q, want %q", got, tn.AgencyID)
	}
	if n := queryInt(t, tn, `SELECT count(*) FROM reply_tokens WHERE token_hash = ? OR instr(token_hash, ?) > 0`, secret, secret[27:]); n != 0 {
		t.Fatal("the secret is stored")
	}
	if len("reply+"+secret) > 64 {
		t.Errorf("reply+%s is longer than the 64 characters of an address's local part", secret)
	}
	got, u, err := tn.ReplyTokenBySecret(ctx, strings.ToUpper(secret), strings.ToUpper(owner.Email))
	if err != nil || got.CaseID != k.ID || u.ID != owner.ID {
		t.Fatalf("token %+v user %v err %v", got, u, err)
	}
	if _, _, err := other.ReplyTokenBySecret(ctx, secret, owner.Email); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("another agency's database took the token: %v", err)
	}
	if _, _, err := tn.ReplyTokenBySecret(ctx, secret+"x", owner.Email); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("a changed token was taken: %v", err)
	}
	if _, _, err := tn.ReplyTokenBySecret(ctx, secret, "someone@else.test"); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("another sender was taken: %v", err)
	}
	if tenant.AgencyOfReplyToken("nope") != "" || tenant.AgencyOfReplyToken(strings.Repeat("z", 32)+".x") != "" {
		t.Error("a malformed secret named an agency")
	}
	f.clock.Advance(tenant.ReplyTokenTTL + time.Second)
	if _, _, err := tn.ReplyTokenBySecret(ctx, secret, owner.Email); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("expired token taken: %v", err)
	}
	fresh, err := tn.IssueReplyToken(ctx, k.ID, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := tn.RevokeReplyTokens(ctx, owner.ID); err != nil || n != 2 {
		t.Fatalf("revoked %d, %v", n, err)
	}
	if _, _, err := tn.ReplyTokenBySecret(ctx, fresh, owner.Email); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("revoked token taken: %v", err)
	}
}

// TestInboundMailStoredOnce: a reply by email with a Message-ID already
// taken is refused as a conflict and writes nothing (no message, no
// document, no event); one without a Message-ID is refused too.
func TestInboundMailStoredOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "inbound-once")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Acme", ""), Title: "Website"})
	state := func() [4]int {
		return [4]int{queryInt(t, tn, `SELECT COUNT(*) FROM documents`), queryInt(t, tn, `SELECT COUNT(*) FROM notes`),
			queryInt(t, tn, `SELECT COUNT(*) FROM case_events`), queryInt(t, tn, `SELECT COUNT(*) FROM inbound_mail`)}
	}
	send := func(messageID string) error {
		m := &tenant.MessageDraft{Viewer: everything(owner), Body: "Thanks, see attached", Inbound: &tenant.InboundMail{MessageID: messageID, UserID: owner.ID}}
		_, err := tn.AddMessageWithDocuments(ctx, tenant.StaffDocumentAccess(everything(owner)), actorOf(owner), k.ID, m, tenant.Limits{}, []tenant.DocumentFile{docFile("a.pdf", 5)}, sizeText)
		return err
	}
	before := state()
	if err := send("<abc@mail.test>"); err != nil {
		t.Fatal(err)
	}
	once := state()
	if once[0] != before[0]+1 || once[1] != before[1]+1 || once[3] != 1 {
		t.Fatalf("%v → %v", before, once)
	}
	wantCode(t, send(" <abc@mail.test> "), apperr.Conflict)
	wantCode(t, send(""), apperr.Invalid)
	if after := state(); after != once {
		t.Fatalf("a replay wrote: %v → %v", once, after)
	}
	if err := send("<def@mail.test>"); err != nil {
		t.Fatal(err)
	}
}

// TestMessagesByEmailMarked: a reply by email is stored marked as one,
// with its DKIM and SPF results, and read back so by the conversation
// (both sides) and the case's notes; a message written on the page is not
// marked.
func TestMessagesByEmailMarked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "inbound-marked")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Acme", ""), Title: "Website"})
	auth := tenant.MailAuth{DKIM: "pass", DKIMDomain: "acme.test", SPF: "softfail"}
	m := &tenant.MessageDraft{Viewer: everything(owner), Body: "Answered by email", Inbound: &tenant.InboundMail{MessageID: "<marked@acme.test>", UserID: owner.ID, Auth: auth}}
	if _, err := tn.AddMessageWithDocuments(ctx, tenant.StaffDocumentAccess(everything(owner)), actorOf(owner), k.ID, m, tenant.Limits{}, nil, sizeText); err != nil {
		t.Fatal(err)
	}
	if !m.Note.ViaEmail || m.Note.MailAuth != auth {
		t.Fatalf("the note written: %+v", m.Note)
	}
	page, err := tn.AddMessage(ctx, everything(owner), actorOf(owner), k.ID, "Written on the page", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := tn.CaseMessages(ctx, everything(owner), k.ID)
	if err != nil {
		t.Fatal(err)
	}
	byBody := map[string]*tenant.Message{}
	for _, m := range msgs {
		byBody[m.Body] = m
	}
	if e := byBody["Answered by email"]; e == nil || !e.ViaEmail || e.MailAuth != auth {
		t.Fatalf("the reply by email in the conversation: %+v", e)
	}
	if p := byBody["Written on the page"]; p == nil || p.ViaEmail || p.MailAuth != (tenant.MailAuth{}) {
		t.Fatalf("the page's message in the conversation: %+v", p)
	}
	n, err := tn.Note(ctx, everything(owner), k.ID, m.Note.ID)
	if err != nil || !n.ViaEmail || n.MailAuth != auth {
		t.Fatalf("the note read back: %+v, %v", n, err)
	}
	if n, err := tn.Note(ctx, everything(owner), k.ID, page.ID); err != nil || n.ViaEmail {
		t.Fatalf("the page's note read back: %+v, %v", n, err)
	}
}

// TestReplyTokensEndWithThePerson: erasing a person deletes their reply
// addresses, and disabling one withdraws them for good (enabling them
// again does not bring old addresses back).
func TestReplyTokensEndWithThePerson(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "replies-erased")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Acme", ""), Title: "Website"})
	leaving := mustAddUser(t, tn, "leaving@agency.test", tenant.RoleStaff)
	disabled := mustAddUser(t, tn, "disabled@agency.test", tenant.RoleStaff)
	for _, u := range []*tenant.User{leaving, disabled} {
		if _, err := tn.IssueReplyToken(ctx, k.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	old, err := tn.IssueReplyToken(ctx, k.ID, disabled.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.EraseUser(ctx, leaving.ID, tenant.Audit{Action: "user.erased"}); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM reply_tokens WHERE user_id = ?`, leaving.ID); n != 0 {
		t.Errorf("an erased person keeps %d reply addresses", n)
	}
	if err := tn.SetUserStatus(ctx, disabled.ID, tenant.UserDisabled, tenant.Audit{Action: "user.disabled"}); err != nil {
		t.Fatal(err)
	}
	if err := tn.SetUserStatus(ctx, disabled.ID, tenant.UserActive, tenant.Audit{Action: "user.enabled"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tn.ReplyTokenBySecret(ctx, old, disabled.Email); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("a reply address from before the person was disabled is taken again: %v", err)
	}
}
