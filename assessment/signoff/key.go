package signoff

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Key is a signer's Ed25519 key and the name it signs under.
type Key struct {
	Name    string
	Private ed25519.PrivateKey
}

// namePrefix starts the comment line of a key file that holds the signer's name.
const namePrefix = "# name: "

// maxNameLen bounds a signer's name, in bytes.
const maxNameLen = 200

// CheckName rejects a signer name that is empty, too long, not UTF-8 or holds control
// characters (a newline would break the key file and the log).
func CheckName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("a signing key needs a name")
	case len(name) > maxNameLen:
		return fmt.Errorf("the name is %d bytes long, more than the %d allowed", len(name), maxNameLen)
	case !utf8.ValidString(name):
		return errors.New("the name is not valid UTF-8")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errors.New("the name holds a control character (such as a newline)")
	}
	return nil
}

// GenerateKey makes a new key for name, reading randomness from rand (crypto/rand.Reader
// when nil).
func GenerateKey(name string, rand io.Reader) (Key, error) {
	if err := CheckName(name); err != nil {
		return Key{}, err
	}
	_, priv, err := ed25519.GenerateKey(rand)
	if err != nil {
		return Key{}, fmt.Errorf("generate key: %w", err)
	}
	return Key{Name: name, Private: priv}, nil
}

// Public returns the key's public half.
func (k Key) Public() ed25519.PublicKey { return k.Private.Public().(ed25519.PublicKey) }

// PublicBase64 is the standard base64 of the 32-byte public key, as manifests record it.
func (k Key) PublicBase64() string { return base64.StdEncoding.EncodeToString(k.Public()) }

// Marshal writes the key file: two comment lines (the second holds the name) and the private
// key as a PKCS#8 PEM block, which OpenSSL reads as it is
// (openssl pkey -in signing.key -pubout).
func (k Key) Marshal() ([]byte, error) {
	if err := CheckName(k.Name); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("# dpia signing key (Ed25519); keep this file private\n")
	b.WriteString(namePrefix + k.Name + "\n")
	if err := pem.Encode(&b, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseKey reads a key file written by Marshal.
func ParseKey(data []byte) (Key, error) {
	name := KeyName(data)
	if name == "" {
		return Key{}, errors.New("the key file names no signer (a line '# name: …' before the key)")
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return Key{}, errors.New("the key file holds no PEM 'PRIVATE KEY' block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return Key{}, fmt.Errorf("the key file's private key is malformed: %w", err)
	}
	priv, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return Key{}, fmt.Errorf("the key file holds a %T, not an Ed25519 key", parsed)
	}
	return Key{Name: name, Private: priv}, nil
}

// KeyName returns the signer name recorded in a key file, or "" when it has none. It does not
// parse the private key.
func KeyName(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "-----BEGIN") {
			break
		}
		if n, ok := strings.CutPrefix(line, namePrefix); ok && CheckName(n) == nil {
			return n
		}
	}
	return ""
}

// Fingerprint is a short, stable name of a public key: "ed25519:" and the first 16 hex
// digits of its SHA-256.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519:" + hex.EncodeToString(sum[:8])
}

// ParsePublicKey decodes a public key given as standard base64 of its 32 bytes.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%q is not an Ed25519 public key (base64 of 32 bytes)", Short(s))
	}
	return ed25519.PublicKey(b), nil
}

// PublicPEM is the public key as a PKIX PEM block, for OpenSSL.
func PublicPEM(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// Sign fills in the signer from the key, encodes the manifest canonically and signs those
// bytes. It returns the manifest bytes and the 64-byte signature.
func Sign(m *Manifest, k Key) (manifest, sig []byte, err error) {
	m.Signer = Signer{Name: k.Name, PublicKey: k.PublicBase64()}
	b, err := m.Encode()
	if err != nil {
		return nil, nil, err
	}
	return b, ed25519.Sign(k.Private, b), nil
}

// EncodeSignature is the text of a manifest.sig file: the standard base64 of the signature
// and a newline.
func EncodeSignature(sig []byte) []byte {
	return []byte(base64.StdEncoding.EncodeToString(sig) + "\n")
}

// DecodeSignature reads a manifest.sig file.
func DecodeSignature(text []byte) ([]byte, error) {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, errors.New("the signature is not base64 of a 64-byte Ed25519 signature")
	}
	return sig, nil
}

// Verify parses manifest bytes and checks the signature against the public key the manifest
// names. It does not say whether that key is the one expected: compare Signer.PublicKey
// with a key you trust (the sign-off event in the log, or one given out of band).
func Verify(manifest, sig []byte) (*Manifest, error) {
	m, err := ParseManifest(manifest)
	if err != nil {
		return nil, err
	}
	pub, err := ParsePublicKey(m.Signer.PublicKey)
	if err != nil {
		return m, fmt.Errorf("the manifest's signer key: %w", err)
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, manifest, sig) {
		return m, fmt.Errorf("the signature does not match the manifest under the signer's key %s: the manifest was edited or signed with another key",
			Fingerprint(pub))
	}
	return m, nil
}
