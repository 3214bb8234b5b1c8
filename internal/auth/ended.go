package auth

// SessionKey returns what the store keeps of a session token (its hash),
// for a token of the right form. The report form uses it to find whose
// session it was after the session has ended, so that what they were
// writing is kept for them alone (lifeguard.DraftStore).
func (s *Service) SessionKey(token string) ([]byte, bool) {
	if !validSessionToken(token) {
		return nil, false
	}
	return hashToken(token), true
}
