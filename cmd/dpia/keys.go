package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment/signoff"
	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// Signing keys and identity (dpia keys, the key name actor() records), the review decisions
// (dpia decide), and the pack files a sign-off hashes.

// maxKeyFile bounds the size of a key file read.
const maxKeyFile = 64 << 10

// keyPath resolves the signing key file: $DPIA_KEY, else $XDG_CONFIG_HOME/dpia/signing.key,
// else ~/.config/dpia/signing.key.
func keyPath() (string, error) {
	if p := os.Getenv("DPIA_KEY"); p != "" {
		return p, nil
	}
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "dpia", "signing.key"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("no signing key given and no home directory: use --key FILE or $DPIA_KEY")
	}
	return filepath.Join(home, ".config", "dpia", "signing.key"), nil
}

// readKeyFile reads a key file of bounded size.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxKeyFile {
		return nil, fmt.Errorf("%s is not a key file", path)
	}
	b := make([]byte, st.Size())
	_, err = f.ReadAt(b, 0)
	return b, err
}

// loadKey reads the signing key at path (or the default one when path is ""). A key that
// group or others may read is refused, as ssh refuses one.
func loadKey(path string) (signoff.Key, string, error) {
	if path == "" {
		p, err := keyPath()
		if err != nil {
			return signoff.Key{}, "", err
		}
		path = p
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return signoff.Key{}, path, fmt.Errorf("no signing key at %s: create one with 'dpia keys init'", path)
	}
	if err != nil {
		return signoff.Key{}, path, fmt.Errorf("read signing key %s: %w", path, err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return signoff.Key{}, path, fmt.Errorf("signing key %s can be read by others (mode %04o); make it private with 'chmod 600 %s'",
			path, st.Mode().Perm(), path)
	}
	b, err := readKeyFile(path)
	if err != nil {
		return signoff.Key{}, path, fmt.Errorf("read signing key %s: %w", path, err)
	}
	k, err := signoff.ParseKey(b)
	if err != nil {
		return signoff.Key{}, path, fmt.Errorf("signing key %s: %w", path, err)
	}
	return k, path, nil
}

// keyName is the signer name of the default signing key, or "" when there is none (or it
// cannot be read). It identifies who makes a change (see actor).
func keyName() string {
	path, err := keyPath()
	if err != nil {
		return ""
	}
	b, err := readKeyFile(path)
	if err != nil {
		return ""
	}
	return signoff.KeyName(b)
}

// osUserName is $DPIA_USER, else the OS user's full name, else the login name.
func osUserName() string {
	if u := os.Getenv("DPIA_USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		if u.Name != "" {
			return u.Name
		}
		return u.Username
	}
	return ""
}

func (a *app) keysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create and show the Ed25519 key that signs sign-offs",
		Args:  noArgs,
	}
	cmd.AddCommand(a.keysInitCmd(), a.keysShowCmd())
	return cmd
}

func (a *app) keysInitCmd() *cobra.Command {
	var name, out string
	cmd := &cobra.Command{
		Use:   "init [--name NAME] [--out FILE]",
		Short: "Create a signing key (default $DPIA_KEY, else ~/.config/dpia/signing.key), readable by you alone",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" {
				name = osUserName()
			}
			if err := signoff.CheckName(name); err != nil {
				return usagef("keys init: %v; give it with --name NAME", err)
			}
			if out == "" {
				p, err := keyPath()
				if err != nil {
					return err
				}
				out = p
			}
			k, err := signoff.GenerateKey(name, rand.Reader)
			if err != nil {
				return err
			}
			if err := writeNewKey(out, k); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "created signing key for %s in %s\npublic key   %s\nfingerprint  %s\n",
				k.Name, out, k.PublicBase64(), signoff.Fingerprint(k.Public()))
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the signer's name, as sign-offs and the log record it (default $DPIA_USER, else your OS user name)")
	cmd.Flags().StringVar(&out, "out", "", "key file to create (default $DPIA_KEY, else ~/.config/dpia/signing.key)")
	return cmd
}

// writeNewKey writes a key file with mode 0600, creating missing folders with mode 0700. An
// existing file is never overwritten.
func writeNewKey(path string, k signoff.Key) (err error) {
	data, err := k.Marshal()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if _, statErr := os.Stat(dir); errors.Is(statErr, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create key folder %s: %w", dir, err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("create key folder %s: %w", dir, err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("a signing key already exists at %s; dpia never overwrites a key (what it signed would no longer match a key you hold): move it away first, or use --out FILE", path)
	}
	if err != nil {
		return fmt.Errorf("create signing key %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(path)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return fmt.Errorf("create signing key %s: %w", path, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write signing key %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write signing key %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write signing key %s: %w", path, err)
	}
	return nil
}

func (a *app) keysShowCmd() *cobra.Command {
	var path string
	var asPEM bool
	cmd := &cobra.Command{
		Use:   "show [--key FILE] [--pem]",
		Short: "Print the signing key's name, public key and fingerprint",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, p, err := loadKey(path)
			if err != nil {
				return err
			}
			if asPEM {
				b, err := signoff.PublicPEM(k.Public())
				if err != nil {
					return err
				}
				_, err = a.stdout.Write(b)
				return err
			}
			fmt.Fprintf(a.stdout, "name         %s\npublic key   %s\nfingerprint  %s\nfile         %s\n",
				k.Name, k.PublicBase64(), signoff.Fingerprint(k.Public()), p)
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "key", "", "key file (default $DPIA_KEY, else ~/.config/dpia/signing.key)")
	cmd.Flags().BoolVar(&asPEM, "pem", false, "print the public key as a PEM block (for openssl)")
	return cmd
}

// decideFlags are the flags of dpia decide.
type decideFlags struct {
	d    store.Decisions
	date string
}

func (a *app) decideCmd() *cobra.Command {
	var fl decideFlags
	cmd := &cobra.Command{
		Use: "decide ID [--measures-approved-by NAME] [--risk-accepted-by NAME] [--dpo-advice TEXT] " +
			"[--dpo-followed yes|no] [--dpo-reason TEXT] [--prior-consultation yes|no] [--next-review YYYY-MM-DD]",
		Short: "Record review decisions (each one an event in the log); with no flags, show them",
		Long: "Records the decisions a DPIA template asks for before sign-off: who approved the measures and who " +
			"accepted the residual risk (each with the date, --date or today), the DPO's advice and whether it was " +
			"followed (with the reason if not), whether prior consultation of the supervisory authority (GDPR Art. 36) " +
			"is needed, and the next review date. Deciding on a signed-off assessment reopens it as a new version.",
		Args: exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.decide(cmd.Context(), args[0], fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.d.MeasuresApprovedBy, "measures-approved-by", "", "who approved the measures")
	f.StringVar(&fl.d.RiskAcceptedBy, "risk-accepted-by", "", "who accepted the residual risk")
	f.StringVar(&fl.d.DPOAdvice, "dpo-advice", "", "the DPO's advice")
	f.StringVar(&fl.d.DPOFollowed, "dpo-followed", "", "whether the DPO's advice was followed: yes or no")
	f.StringVar(&fl.d.DPOReason, "dpo-reason", "", "why the DPO's advice was not followed")
	f.StringVar(&fl.d.PriorConsultation, "prior-consultation", "", "whether prior consultation (GDPR Art. 36) is needed: yes or no")
	f.StringVar(&fl.d.NextReview, "next-review", "", "the next review date, YYYY-MM-DD")
	f.StringVar(&fl.date, "date", "", "the date of the approvals given with this command, YYYY-MM-DD (default today)")
	return cmd
}

func (fl *decideFlags) check() error {
	for flag, v := range map[string]string{"--dpo-followed": fl.d.DPOFollowed, "--prior-consultation": fl.d.PriorConsultation} {
		if v != "" && v != "yes" && v != "no" {
			return usagef("%s takes yes or no, not %q", flag, v)
		}
	}
	for flag, v := range map[string]string{"--next-review": fl.d.NextReview, "--date": fl.date} {
		if _, err := time.Parse(signoff.DateLayout, v); v != "" && err != nil {
			return usagef("%s takes a date YYYY-MM-DD, not %q", flag, v)
		}
	}
	if fl.date != "" && fl.d.MeasuresApprovedBy == "" && fl.d.RiskAcceptedBy == "" {
		return usagef("--date goes with --measures-approved-by or --risk-accepted-by")
	}
	return nil
}

func (a *app) decide(ctx context.Context, id string, fl decideFlags) error {
	if err := fl.check(); err != nil {
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	upd := fl.d
	day := fl.date
	if day == "" {
		day = time.Now().UTC().Format(signoff.DateLayout)
	}
	if upd.MeasuresApprovedBy != "" {
		upd.MeasuresApprovedOn = day
	}
	if upd.RiskAcceptedBy != "" {
		upd.RiskAcceptedOn = day
	}
	to, n, err := st.RecordDecisions(ctx, id, upd, actor())
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no assessment %q in this workspace (see 'dpia list')", id)
	}
	if err != nil {
		return err
	}
	a.noteReopened(id, to)
	d, err := st.Decisions(ctx, id)
	if err != nil {
		return err
	}
	if upd != (store.Decisions{}) {
		fmt.Fprintf(a.stdout, "recorded %s on %s\n", plural(n, "decision"), id)
	}
	for _, l := range signoff.Decisions(d).Lines() {
		fmt.Fprintln(a.stdout, "  "+l)
	}
	if missing := signoff.Decisions(d).Missing(time.Now()); len(missing) > 0 {
		fmt.Fprintf(a.stdout, "still needed for sign-off: --%s\n", strings.Join(missing, ", --"))
	}
	return nil
}

// packFiles reads the pack files that loadPacks reads, in the same order: the built-in packs,
// the workspace's packs/ folder, then every --packs-dir folder. Signing grades with a set
// built from exactly these bytes, so the manifest's pack hash is the hash of what was loaded.
func (a *app) packFiles() (base, user []q.NamedFile, err error) {
	if base, err = q.Builtin(); err != nil {
		return nil, nil, fmt.Errorf("read built-in packs: %w", err)
	}
	ws, err := a.workspaceDir()
	if err != nil {
		return nil, nil, err
	}
	type src struct{ dir, prefix string }
	var dirs []src
	if st, err := os.Stat(filepath.Join(ws, "packs")); err == nil && st.IsDir() {
		dirs = append(dirs, src{filepath.Join(ws, "packs"), "workspace:"})
	}
	for _, d := range a.packDirs {
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("packs folder %s is not a readable folder", d)
		}
		dirs = append(dirs, src{d, "packs-dir:" + filepath.Base(filepath.Clean(d)) + "/"})
	}
	for _, d := range dirs {
		names, err := filepath.Glob(filepath.Join(d.dir, "*.y*ml"))
		if err != nil {
			return nil, nil, fmt.Errorf("read packs folder %s: %w", d.dir, err)
		}
		sort.Strings(names)
		for _, n := range names {
			if !strings.HasSuffix(n, ".yaml") && !strings.HasSuffix(n, ".yml") {
				continue
			}
			b, err := readLimited(n, q.MaxPackBytes)
			if err != nil {
				return nil, nil, fmt.Errorf("read pack %s: %w", n, err)
			}
			user = append(user, q.NamedFile{Name: d.prefix + filepath.Base(n), Data: b})
		}
	}
	return base, user, nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("more than the %d bytes allowed", limit)
	}
	return b, err
}
