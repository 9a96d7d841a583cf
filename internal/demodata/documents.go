package demodata

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"mintedmind/db/tenant"
	"mintedmind/files"
)

// demoDocument is a document as planned: the file is made, checked and
// stored only when the rows are written.
type demoDocument struct {
	id         string
	caseIdx    int
	caseID     string
	name       string // as the files store will name it
	kind       string // "pdf", "photo" or "chart"
	at         int64
	uploader   *tenant.User
	shared     bool
	fromClient bool
	seed       uint64 // of the file's bytes
	title      string // of a PDF's first page
}

// planDocuments puts documents on a few of the portal client's cases
// (most shared with the client, some uploaded by its contact) and on a few
// other billed clients' cases (mostly internal).
func (s *showcase) planDocuments() {
	if s.portal < 0 {
		return
	}
	g := s.g
	mine := slices.Clone(s.casesOf[s.portal])
	slices.SortStableFunc(mine, func(a, b int) int { return s.plan.free(b) - s.plan.free(a) })
	for j, k := range mine[:min(len(mine), maxPortalDocCases)] {
		n := min(s.plan.free(k), 2+g.rng.IntN(2))
		for i := range n {
			// The contact uploaded the first document of the first case,
			// and maybe of others.
			fromClient := i == 0 && s.contact != nil && (j == 0 || g.chance(0.5))
			s.addDocument(k, fromClient, fromClient || g.chance(0.75))
		}
	}
	var others []int
	for _, c := range s.billed {
		if c == s.portal {
			continue
		}
		for _, k := range s.casesOf[c] {
			if s.plan.free(k) >= 3 {
				others = append(others, k)
			}
		}
	}
	for range min(len(others), maxDocumentedCases) {
		i := g.rng.IntN(len(others))
		k := others[i]
		others = slices.Delete(others, i, i+1)
		for range 1 + g.rng.IntN(3) {
			s.addDocument(k, false, g.chance(0.35))
		}
	}
}

// addDocument plans one document on case k, uploaded at a random time of
// its life, and its "uploaded" event.
func (s *showcase) addDocument(k int, fromClient, shared bool) {
	g := s.g
	if !s.plan.reserve(k, 1) {
		return
	}
	kinds := demoDocumentKinds
	uploader := demoPick(g, g.staff)
	if fromClient {
		kinds, uploader = demoContactDocuments, s.contact
	}
	kind := demoPick(g, kinds)
	name := kind.name
	if strings.Contains(name, "%d") {
		name = fmt.Sprintf(name, 1+g.rng.IntN(4))
	}
	contentType := map[string]string{"pdf": files.TypePDF, "photo": files.TypeJPEG, "chart": files.TypePNG}[kind.kind]
	created := s.plan.created[k]
	d := &demoDocument{id: g.id(), caseIdx: k, caseID: s.plan.caseID(g, k), name: files.NameFor(name, contentType), kind: kind.kind,
		at: created + 1 + g.rng.Int64N(max(1, g.now-created)), uploader: uploader, shared: shared, fromClient: fromClient,
		seed: g.rng.Uint64(), title: strings.TrimSuffix(name, ".pdf")}
	s.docs = append(s.docs, d)
	s.plan.addFixed(k, demoEvent{at: d.at, actor: uploader, kind: tenant.EventDocument, field: tenant.DocumentUploaded, newValue: d.name, visible: shared})
	if fromClient && d.at > s.activity[d.caseID] {
		s.activity[d.caseID] = d.at
	}
}

// storeDocuments makes the documents' files and stores them through the
// files store, as uploads are (type sniffed, size and hash taken, PDF
// pages counted, image thumbnails made), and returns their rows. On an
// error no file is left.
func (s *showcase) storeDocuments(ctx context.Context, dir string) (docs []tenant.Document, staged []*files.Staged, err error) {
	store := files.NewStore(files.Config{})
	defer func() {
		if err != nil {
			for _, st := range staged {
				st.Discard()
			}
		}
	}()
	// Oldest first, as they were uploaded.
	slices.SortStableFunc(s.docs, func(a, b *demoDocument) int { return cmpInt64(a.at, b.at) })
	for _, d := range s.docs {
		st, err := store.Stage(ctx, dir, d.name, bytes.NewReader(s.documentBytes(d)))
		if err != nil {
			return nil, staged, fmt.Errorf("demo: document %s: %w", d.name, err)
		}
		staged = append(staged, st)
	}
	for i, st := range staged {
		if err := st.Commit(); err != nil {
			return nil, staged, err
		}
		d := s.docs[i]
		docs = append(docs, tenant.Document{ID: d.id, CaseID: d.caseID, Name: st.Name, ContentType: st.ContentType, Size: st.Size, SHA256: st.SHA256,
			StorageKey: st.Key, ThumbKey: st.ThumbKey, Width: st.Width, Height: st.Height, Pages: st.Pages, Shared: d.shared, FromClient: d.fromClient,
			UploaderID: d.uploader.ID, UploaderName: d.uploader.Name, CreatedAt: time.Unix(d.at, 0)})
	}
	return docs, staged, nil
}

// documentBytes makes a document's file from its seed.
func (s *showcase) documentBytes(d *demoDocument) []byte {
	rng := rand.New(rand.NewPCG(d.seed, 0x646f6373))
	switch d.kind {
	case "photo":
		return photoJPEG(rng, 960, 640)
	case "chart":
		return chartPNG(rng, 800, 480)
	}
	client := s.clients[s.plan.client[d.caseIdx]]
	head := []string{
		"Case " + tenant.CaseNumber(s.plan.number(d.caseIdx)) + " - " + client.name,
		"Date: " + time.Unix(d.at, 0).UTC().Format("2 January 2006"),
		"",
	}
	pages := 1 + rng.IntN(3)
	body := make([][]string, pages)
	for p := range body {
		body[p] = slices.Clone(head)
		for range 8 + rng.IntN(10) {
			body[p] = append(body[p], demoSentences[rng.IntN(len(demoSentences))])
		}
	}
	return textPDF(d.title, body)
}
