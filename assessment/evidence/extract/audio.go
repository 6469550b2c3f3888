package extract

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// audioHead is how much of an audio file is read for its header.
const audioHead = 64 << 10

// extractAudio reports a recording as one voice_sample detection (confidence 0.7: a voice is
// likely but not certain) whose preview gives the format read from the header, e.g.
// "WAV 16 kHz mono 12.3 s", "MP3 44.1 kHz stereo 128 kbps ~4.0 s", "FLAC 48 kHz stereo 3.5 s",
// "Ogg Opus 48 kHz mono 2.0 s". Other audio types give their MIME type.
func extractAudio(ctx context.Context, f *file, g *guard, lim Limits) error {
	head := sectionBytes(f.r, 0, min(f.size, audioHead))
	var info string
	switch {
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WAVE":
		info = wavInfo(head, f.size)
	case bytes.HasPrefix(head, []byte("fLaC")):
		info = flacInfo(head)
	case bytes.HasPrefix(head, []byte("OggS")):
		info = oggInfo(head, sectionBytes(f.r, max(0, f.size-audioHead), min(f.size, audioHead)))
	default:
		info = mp3Info(head, f.size)
	}
	if info == "" {
		_, mime := Sniff(f.name, head)
		info = "audio " + mime
	}
	return g.Found(model.Detection{Type: "voice_sample", Confidence: 0.7, Preview: info})
}

// audioDesc renders "<format> <rate> <channels>" and the duration when known (secs > 0).
func audioDesc(format string, rate, channels int, extra string, secs float64, approx bool) string {
	s := format
	if rate > 0 {
		s += " " + strconv.FormatFloat(float64(rate)/1000, 'f', -1, 64) + " kHz"
	}
	switch {
	case channels == 1:
		s += " mono"
	case channels == 2:
		s += " stereo"
	case channels > 2:
		s += fmt.Sprintf(" %d ch", channels)
	}
	if extra != "" {
		s += " " + extra
	}
	if secs > 0 {
		tilde := ""
		if approx {
			tilde = "~"
		}
		s += fmt.Sprintf(" %s%.1f s", tilde, secs)
	}
	return s
}

// wavInfo reads the fmt and data chunks of a RIFF/WAVE file.
func wavInfo(b []byte, size int64) string {
	var rate, channels, byteRate int
	for i := 12; i+8 <= len(b); {
		id, n := string(b[i:i+4]), int64(binary.LittleEndian.Uint32(b[i+4:]))
		switch {
		case id == "fmt " && i+8+16 <= len(b):
			channels = int(binary.LittleEndian.Uint16(b[i+10:]))
			rate = int(binary.LittleEndian.Uint32(b[i+12:]))
			byteRate = int(binary.LittleEndian.Uint32(b[i+16:]))
		case id == "data":
			if n == 0xFFFFFFFF || n > size-int64(i)-8 {
				n = size - int64(i) - 8
			}
			secs := 0.0
			if byteRate > 0 {
				secs = float64(n) / float64(byteRate)
			}
			return audioDesc("WAV", rate, channels, "", secs, false)
		}
		if n < 0 || n > int64(len(b)) {
			break
		}
		i += 8 + int(n) + int(n%2)
	}
	return audioDesc("WAV", rate, channels, "", 0, false)
}

// flacInfo reads the STREAMINFO block of a FLAC file.
func flacInfo(b []byte) string {
	if len(b) < 8+18 || b[4]&0x7F != 0 {
		return "FLAC"
	}
	d := b[8:]
	rate := int(d[10])<<12 | int(d[11])<<4 | int(d[12])>>4
	channels := int(d[12]>>1&7) + 1
	total := uint64(d[13]&0x0F)<<32 | uint64(binary.BigEndian.Uint32(d[14:]))
	secs := 0.0
	if rate > 0 {
		secs = float64(total) / float64(rate)
	}
	return audioDesc("FLAC", rate, channels, "", secs, false)
}

// oggInfo reads the first packet of an Ogg stream (Vorbis or Opus identification header) and
// the granule position of its last page, from the file's head and tail.
func oggInfo(head, tail []byte) string {
	if len(head) < 27 {
		return "Ogg audio"
	}
	segs := int(head[26])
	start := 27 + segs
	if start > len(head) {
		return "Ogg audio"
	}
	pkt := head[start:]
	var last uint64
	if i := bytes.LastIndex(tail, []byte("OggS")); i >= 0 && i+14 <= len(tail) {
		last = binary.LittleEndian.Uint64(tail[i+6:])
	}
	switch {
	case bytes.HasPrefix(pkt, []byte("\x01vorbis")) && len(pkt) >= 16:
		rate := int(binary.LittleEndian.Uint32(pkt[12:]))
		secs := 0.0
		if rate > 0 && last != ^uint64(0) {
			secs = float64(last) / float64(rate)
		}
		return audioDesc("Ogg Vorbis", rate, int(pkt[11]), "", secs, false)
	case bytes.HasPrefix(pkt, []byte("OpusHead")) && len(pkt) >= 16:
		preskip := uint64(binary.LittleEndian.Uint16(pkt[10:]))
		secs := 0.0
		if last > preskip && last != ^uint64(0) {
			secs = float64(last-preskip) / 48000
		}
		return audioDesc("Ogg Opus", 48000, int(pkt[9]), "", secs, false)
	}
	return "Ogg audio"
}

// MPEG audio layer III tables: kbps by bitrate index (MPEG-1, then MPEG-2/2.5) and Hz by
// sample rate index (MPEG-1).
var (
	mp3Bitrates = [2][15]int{
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	}
	mp3Rates = [3]int{44100, 48000, 32000}
)

// mp3Info skips an ID3v2 tag and reads the first MPEG frame header; the duration assumes a
// constant bit rate. It returns "" when no frame header is found.
func mp3Info(b []byte, size int64) string {
	start := 0
	if len(b) >= 10 && string(b[:3]) == "ID3" {
		start = 10 + (int(b[6]&0x7F)<<21 | int(b[7]&0x7F)<<14 | int(b[8]&0x7F)<<7 | int(b[9]&0x7F))
		if b[5]&0x10 != 0 {
			start += 10
		}
	}
	for i := start; i+4 <= len(b); i++ {
		if b[i] != 0xFF || b[i+1]&0xE0 != 0xE0 {
			continue
		}
		version, layer := b[i+1]>>3&3, b[i+1]>>1&3
		bi, ri := int(b[i+2]>>4), int(b[i+2]>>2&3)
		if version == 1 || layer != 1 || bi == 0 || bi == 15 || ri == 3 {
			continue // reserved version, not layer III, free or bad bit rate, bad rate
		}
		table, rate := 0, mp3Rates[ri]
		switch version {
		case 2: // MPEG-2
			table, rate = 1, rate/2
		case 0: // MPEG-2.5
			table, rate = 1, rate/4
		}
		kbps := mp3Bitrates[table][bi]
		channels := 2
		if b[i+3]>>6 == 3 {
			channels = 1
		}
		secs := float64(size-int64(i)) * 8 / float64(kbps*1000)
		return audioDesc("MP3", rate, channels, fmt.Sprintf("%d kbps", kbps), secs, true)
	}
	if start > 0 {
		return "MP3"
	}
	return ""
}
