package monitor

// confusable maps a lower-case Cyrillic or Greek letter that looks like a
// Latin one to that Latin letter, so "кіll" (Cyrillic к and і) is "kill".
// It returns 0 for every other rune. The table is the project's own, from the
// letters' shapes in common fonts.
func confusable(r rune) byte {
	switch r {
	// Cyrillic
	case 'а':
		return 'a'
	case 'в', 'ь':
		return 'b'
	case 'с':
		return 'c'
	case 'ԁ':
		return 'd'
	case 'е', 'ё', 'є':
		return 'e'
	case 'һ', 'н':
		return 'h'
	case 'і', 'ї':
		return 'i'
	case 'ј':
		return 'j'
	case 'к':
		return 'k'
	case 'ӏ':
		return 'l'
	case 'м':
		return 'm'
	case 'о':
		return 'o'
	case 'р':
		return 'p'
	case 'ԛ':
		return 'q'
	case 'ѕ':
		return 's'
	case 'т':
		return 't'
	case 'ѵ':
		return 'v'
	case 'ԝ':
		return 'w'
	case 'х':
		return 'x'
	case 'у', 'ү':
		return 'y'
	// Greek
	case 'α':
		return 'a'
	case 'β':
		return 'b'
	case 'ε':
		return 'e'
	case 'η':
		return 'n'
	case 'ι':
		return 'i'
	case 'κ':
		return 'k'
	case 'ν':
		return 'v'
	case 'ο':
		return 'o'
	case 'ρ':
		return 'p'
	case 'τ':
		return 't'
	case 'υ', 'μ':
		return 'u'
	case 'χ':
		return 'x'
	case 'γ':
		return 'y'
	case 'ω':
		return 'w'
	case 'ζ':
		return 'z'
	// Latin letters outside ASCII that do not decompose
	case 'ł':
		return 'l'
	case 'ø':
		return 'o'
	case 'đ':
		return 'd'
	case 'ı':
		return 'i'
	}
	return 0
}

// emojiWord gives the word a common emoji stands for in the risks the library
// covers, so an entry can be written as a word and still match the emoji (and
// the other way round). Emoji with no bearing on a risk map to "".
func emojiWord(r rune) string {
	switch r {
	case '🔪', '🗡':
		return "knife"
	case '🔫':
		return "gun"
	case '💣':
		return "bomb"
	case '💊':
		return "pills"
	case '💉':
		return "needle"
	case '🩸':
		return "blood"
	case '⚰', '🪦':
		return "coffin"
	case '☠':
		return "skull"
	case '🪢':
		return "rope"
	case '🍆':
		return "aubergine"
	case '🍑':
		return "peach"
	case '💦':
		return "splash"
	case '🍁', '🌿':
		return "weed"
	case '❄':
		return "snow"
	case '🍄':
		return "mushroom"
	case '🎰':
		return "slots"
	case '🎲':
		return "dice"
	case '🔞':
		return "adult"
	case '🖕':
		return "fuck"
	}
	return ""
}
