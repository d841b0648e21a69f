package errs

// Client-side caching (CLIENT TRACKING, CACHING).
var (
	TrackingOneRedirect   = New("ERR A client can only redirect to a single other client")
	TrackingNoRedirect    = New("ERR The client ID you want redirect to does not exist")
	TrackingPrefixNoBcast = New("ERR PREFIX option requires BCAST mode to be enabled")
	TrackingSwitchBcast   = New("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
	TrackingOptBcast      = New("ERR OPTIN and OPTOUT are not compatible with BCAST")
	TrackingOptInOut      = New("ERR You can't specify both OPTIN mode and OPTOUT mode")
	TrackingSwitchOpt     = New("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
	CachingNotTracking    = New("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
	CachingYesNeedsOptin  = New("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
	CachingNoNeedsOptout  = New("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
)
