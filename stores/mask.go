package stores

import "regexp"

var passwordRE = regexp.MustCompile(`(://[^:/?#@\s]*:)[^@/?#\s]*@`)

// MaskPassword hides the password of every URL in s.
func MaskPassword(s string) string {
	return passwordRE.ReplaceAllString(s, "${1}***@")
}
