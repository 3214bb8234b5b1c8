package lifeguard

// FactField numbers every field name of concern.schema.json, the schema of
// Facts, for the decoder in internal/factsjson and for Validate, which must
// name the same paths in the same words. The names are unique across the
// schema's objects, so one 64-bit set can say which fields a document gave,
// whatever object they sit in.
type FactField uint8

const (
	FieldReportedAt FactField = iota
	FieldOccurredAt
	FieldSetting
	FieldDescription
	FieldChild
	FieldChildRole
	FieldConcernTypes
	FieldParties
	FieldRisk
	FieldImages
	FieldDetails
	FieldStaff

	FieldAge
	FieldDateOfBirth
	FieldVulnerabilities

	FieldAdultInvolved
	FieldPeerInvolved
	FieldUnknownInvolved

	FieldImmediateDanger
	FieldRiskToLife
	FieldSignificantHarm
	FieldAdditionalNeeds
	FieldParentsPoseRisk

	FieldImagesInvolved
	FieldSelfGenerated
	FieldOnline
	FieldSexualActs
	FieldAtypicalOrViolent
	FieldUnder13Depicted
	FieldCapacityConcern
	FieldKnownChild
	FieldMaliciousSharing

	FieldMeetingArranged
	FieldCoercion
	FieldThreats
	FieldRepeated
	FieldHateMotivated
	FieldLocationKnown
	FieldSuspectKnown
	FieldEncouragedByOther
	FieldSupply
	FieldOnOrganisationNetwork
	FieldOtherSettingsInvolved
	FieldPlatform

	FieldHarmedChild
	FieldPossibleOffence
	FieldPosesRisk
	FieldUnsuitable
	FieldPrivateContact

	numFactFields

	// FactsDocument is the document itself: the object that holds the
	// top-level fields. It is one past the last field, so
	// `for k := range FactsDocument` visits every field.
	FactsDocument = numFactFields
)

// A FactFieldSet must hold every field in one word.
var _ [64 - numFactFields]struct{}

// FactFieldSet is a set of fields, such as those a document gave.
type FactFieldSet uint64

// Has reports whether k is in the set.
func (s FactFieldSet) Has(k FactField) bool { return s&(1<<k) != 0 }

// Add puts k in the set.
func (s *FactFieldSet) Add(k FactField) { *s |= 1 << k }

// fieldInfo is a field's JSON name, its path in problems, and the object that
// holds it (FactsDocument for the top level).
type fieldInfo struct {
	name string
	path string
	in   FactField
}

var fields = [numFactFields]fieldInfo{
	FieldReportedAt:   {"reported_at", "reported_at", FactsDocument},
	FieldOccurredAt:   {"occurred_at", "occurred_at", FactsDocument},
	FieldSetting:      {"setting", "setting", FactsDocument},
	FieldDescription:  {"description", "description", FactsDocument},
	FieldChild:        {"child", "child", FactsDocument},
	FieldChildRole:    {"child_role", "child_role", FactsDocument},
	FieldConcernTypes: {"concern_types", "concern_types", FactsDocument},
	FieldParties:      {"parties", "parties", FactsDocument},
	FieldRisk:         {"risk", "risk", FactsDocument},
	FieldImages:       {"images", "images", FactsDocument},
	FieldDetails:      {"details", "details", FactsDocument},
	FieldStaff:        {"staff", "staff", FactsDocument},

	FieldAge:             {"age", "child.age", FieldChild},
	FieldDateOfBirth:     {"date_of_birth", "child.date_of_birth", FieldChild},
	FieldVulnerabilities: {"vulnerabilities", "child.vulnerabilities", FieldChild},

	FieldAdultInvolved:   {"adult_involved", "parties.adult_involved", FieldParties},
	FieldPeerInvolved:    {"peer_involved", "parties.peer_involved", FieldParties},
	FieldUnknownInvolved: {"unknown_involved", "parties.unknown_involved", FieldParties},

	FieldImmediateDanger: {"immediate_danger", "risk.immediate_danger", FieldRisk},
	FieldRiskToLife:      {"risk_to_life", "risk.risk_to_life", FieldRisk},
	FieldSignificantHarm: {"significant_harm", "risk.significant_harm", FieldRisk},
	FieldAdditionalNeeds: {"additional_needs", "risk.additional_needs", FieldRisk},
	FieldParentsPoseRisk: {"parents_pose_risk", "risk.parents_pose_risk", FieldRisk},

	FieldImagesInvolved:    {"involved", "images.involved", FieldImages},
	FieldSelfGenerated:     {"self_generated", "images.self_generated", FieldImages},
	FieldOnline:            {"online", "images.online", FieldImages},
	FieldSexualActs:        {"sexual_acts", "images.sexual_acts", FieldImages},
	FieldAtypicalOrViolent: {"atypical_or_violent", "images.atypical_or_violent", FieldImages},
	FieldUnder13Depicted:   {"under_13_depicted", "images.under_13_depicted", FieldImages},
	FieldCapacityConcern:   {"capacity_concern", "images.capacity_concern", FieldImages},
	FieldKnownChild:        {"known_child", "images.known_child", FieldImages},
	FieldMaliciousSharing:  {"malicious_sharing", "images.malicious_sharing", FieldImages},

	FieldMeetingArranged:       {"meeting_arranged", "details.meeting_arranged", FieldDetails},
	FieldCoercion:              {"coercion", "details.coercion", FieldDetails},
	FieldThreats:               {"threats", "details.threats", FieldDetails},
	FieldRepeated:              {"repeated", "details.repeated", FieldDetails},
	FieldHateMotivated:         {"hate_motivated", "details.hate_motivated", FieldDetails},
	FieldLocationKnown:         {"location_known", "details.location_known", FieldDetails},
	FieldSuspectKnown:          {"suspect_known", "details.suspect_known", FieldDetails},
	FieldEncouragedByOther:     {"encouraged_by_other", "details.encouraged_by_other", FieldDetails},
	FieldSupply:                {"supply", "details.supply", FieldDetails},
	FieldOnOrganisationNetwork: {"on_organisation_network", "details.on_organisation_network", FieldDetails},
	FieldOtherSettingsInvolved: {"other_settings_involved", "details.other_settings_involved", FieldDetails},
	FieldPlatform:              {"platform", "details.platform", FieldDetails},

	FieldHarmedChild:     {"harmed_child", "staff.harmed_child", FieldStaff},
	FieldPossibleOffence: {"possible_offence", "staff.possible_offence", FieldStaff},
	FieldPosesRisk:       {"poses_risk", "staff.poses_risk", FieldStaff},
	FieldUnsuitable:      {"unsuitable", "staff.unsuitable", FieldStaff},
	FieldPrivateContact:  {"private_contact", "staff.private_contact", FieldStaff},
}

// Name is the field's JSON name.
func (k FactField) Name() string { return fields[k].name }

// Path is the field's path in problems, such as child.age.
func (k FactField) Path() string { return fields[k].path }

// In is the object that holds the field: FactsDocument for the top level.
func (k FactField) In() FactField { return fields[k].in }

// Item is the path of item i of the list field k, such as concern_types[0].
func (k FactField) Item(i int) string { return itemPath(k, i) }

// LookupFactField finds a field by its JSON name; the fast decoder looks keys
// up here straight from the input bytes.
func LookupFactField(name string) (FactField, bool) {
	k, ok := fieldByName[name]
	return k, ok
}

var fieldByName = func() map[string]FactField {
	m := make(map[string]FactField, numFactFields)
	for k, info := range fields {
		m[info.name] = FactField(k)
	}
	return m
}()

// Flag returns the boolean field k of f, or nil when k is not a boolean.
func (f *Facts) Flag(k FactField) *bool {
	switch k {
	case FieldAdultInvolved:
		return &f.Parties.AdultInvolved
	case FieldPeerInvolved:
		return &f.Parties.PeerInvolved
	case FieldUnknownInvolved:
		return &f.Parties.UnknownInvolved
	case FieldImmediateDanger:
		return &f.Risk.ImmediateDanger
	case FieldRiskToLife:
		return &f.Risk.RiskToLife
	case FieldAdditionalNeeds:
		return &f.Risk.AdditionalNeeds
	case FieldParentsPoseRisk:
		return &f.Risk.ParentsPoseRisk
	case FieldImagesInvolved:
		return &f.Images.Involved
	case FieldSelfGenerated:
		return &f.Images.SelfGenerated
	case FieldOnline:
		return &f.Images.Online
	case FieldSexualActs:
		return &f.Images.SexualActs
	case FieldAtypicalOrViolent:
		return &f.Images.AtypicalOrViolent
	case FieldUnder13Depicted:
		return &f.Images.Under13Depicted
	case FieldCapacityConcern:
		return &f.Images.CapacityConcern
	case FieldKnownChild:
		return &f.Images.KnownChild
	case FieldMaliciousSharing:
		return &f.Images.MaliciousSharing
	case FieldMeetingArranged:
		return &f.Details.MeetingArranged
	case FieldCoercion:
		return &f.Details.Coercion
	case FieldThreats:
		return &f.Details.Threats
	case FieldRepeated:
		return &f.Details.Repeated
	case FieldHateMotivated:
		return &f.Details.HateMotivated
	case FieldLocationKnown:
		return &f.Details.LocationKnown
	case FieldSuspectKnown:
		return &f.Details.SuspectKnown
	case FieldEncouragedByOther:
		return &f.Details.EncouragedByOther
	case FieldSupply:
		return &f.Details.Supply
	case FieldOnOrganisationNetwork:
		return &f.Details.OnOrganisationNetwork
	case FieldOtherSettingsInvolved:
		return &f.Details.OtherSettingsInvolved
	case FieldHarmedChild:
		return &f.Staff.HarmedChild
	case FieldPossibleOffence:
		return &f.Staff.PossibleOffence
	case FieldPosesRisk:
		return &f.Staff.PosesRisk
	case FieldUnsuitable:
		return &f.Staff.Unsuitable
	case FieldPrivateContact:
		return &f.Staff.PrivateContact
	}
	return nil
}
