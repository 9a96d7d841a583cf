package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"

	mmapp "mintedmind/app"
	"mintedmind/clock"
	"mintedmind/files"
	"mintedmind/live"
	"mintedmind/mail/inbound"
)

// listenInbound starts the SMTP listener for replies by email on
// -smtp-listen (nil when it is not set): replies to reply+TOKEN@-inbound-
// domain become messages on their case, through the same application
// code as a message posted on the page (its uploads, its notifications,
// the live broker of the web server).
func listenInbound(ctx context.Context, a *app, cfg *config, c clock.Clock, broker *live.Broker, log *slog.Logger) (*inbound.Server, error) {
	if cfg.SMTPListen == "" {
		return nil, nil
	}
	secret, err := a.control.SecretKey(ctx)
	if err != nil {
		return nil, err
	}
	var tlsConfig *tls.Config
	if cfg.SMTPTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.SMTPTLSCert, cfg.SMTPTLSKey)
		if err != nil {
			return nil, fmt.Errorf("smtp-tls-cert: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	plans := &mmapp.Plans{Control: a.control, SelfHosted: cfg.SelfHosted, StorageQuota: cfg.StorageQuota}
	in := &mmapp.Inbound{Control: a.control, Pool: a.pool, Live: broker, Log: log,
		Uploads: &mmapp.Uploads{Plans: plans, Files: files.NewStore(files.Config{MaxSize: cfg.FileLimit})},
		Mail:    &mmapp.CaseMail{Mailer: a.mailer, Secret: secret, BaseURL: cfg.BaseURL, InboundDomain: cfg.InboundDomain}}
	srv := inbound.New(in, inbound.Config{Domain: cfg.InboundDomain, MaxBytes: cfg.SMTPMaxBytes, TLS: tlsConfig}, c, log)
	ln, err := net.Listen("tcp", cfg.SMTPListen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (smtp): %w", cfg.SMTPListen, err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			log.Error("inbound mail: the SMTP listener stopped", "err", err)
		}
	}()
	log.Info("inbound mail: taking replies for reply+TOKEN@"+cfg.InboundDomain, "listen", ln.Addr().String(), "starttls", tlsConfig != nil)
	return srv, nil
}
