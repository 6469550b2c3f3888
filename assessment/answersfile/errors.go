package answersfile

import (
	"errors"

	ytoken "github.com/goccy/go-yaml/token"
)

// tokenPos returns the line and column a YAML syntax error points at, if any.
func tokenPos(err error) []int {
	var te interface{ GetToken() *ytoken.Token }
	if errors.As(err, &te) && te.GetToken() != nil && te.GetToken().Position != nil {
		p := te.GetToken().Position
		return []int{p.Line, p.Column}
	}
	return nil
}

func messageOf(err error) string {
	var me interface{ GetMessage() string }
	if errors.As(err, &me) {
		return me.GetMessage()
	}
	return err.Error()
}
