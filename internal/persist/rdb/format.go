package rdb

// On disk: never renumber, add at the end. Type bytes and opcodes are
// Valkey's (rdb.h).

// Version is the RDB version Valkey 9.0 writes (RDB_VERSION): files start
// with "VALKEY080"; DUMP payloads carry it in their footer.
const Version = 80

// Versions 12..79 are reserved for formats foreign to Valkey; 1..11 are
// the open-source Redis versions, whose files start with "REDIS".
const (
	foreignVersionMin = 12
	foreignVersionMax = 79
)

// Object types.
const (
	TypeString           = 0
	TypeList             = 1
	TypeSet              = 2
	TypeZSet             = 3
	TypeHash             = 4
	TypeZSet2            = 5
	TypeModulePreGA      = 6
	TypeModule2          = 7
	TypeHashZipmap       = 9
	TypeListZiplist      = 10
	TypeSetIntset        = 11
	TypeZSetZiplist      = 12
	TypeHashZiplist      = 13
	TypeListQuicklist    = 14
	TypeStreamListpacks  = 15
	TypeHashListpack     = 16
	TypeZSetListpack     = 17
	TypeListQuicklist2   = 18
	TypeStreamListpacks2 = 19
	TypeSetListpack      = 20
	TypeStreamListpacks3 = 21
	TypeHash2            = 22 // hash with field expiries (Valkey 9.0)
	typeLast             = 23
)

// Opcodes.
const (
	OpSlotImport   = 243
	OpSlotInfo     = 244
	OpFunction2    = 245
	OpFunctionPre  = 246
	OpModuleAux    = 247
	OpIdle         = 248
	OpFreq         = 249
	OpAux          = 250
	OpResizeDB     = 251
	OpExpireTimeMs = 252
	OpExpireTime   = 253
	OpSelectDB     = 254
	OpEOF          = 255
)

// Length and string encodings.
const (
	len6      = 0
	len14     = 1
	len32     = 0x80
	len64     = 0x81
	encVal    = 3
	encInt8   = 0
	encInt16  = 1
	encInt32  = 2
	encLZF    = 3
	noExpiry  = -1 // a hash field without TTL in TypeHash2
	nodePlain = 1  // quicklist node containers
	nodePack  = 2
)

// IsObjectType reports whether t is a value type byte (rdbIsObjectType).
func IsObjectType(t byte) bool { return t <= 7 || (t >= 9 && t < typeLast) }

// VersionAccepted is rdbIsVersionAccepted: whether this server loads RDB
// version ver; valkeyMagic/redisMagic tell which magic a file had (neither
// for DUMP payloads); relaxed is rdb-version-check relaxed, which also
// accepts future and foreign versions.
func VersionAccepted(ver int, valkeyMagic, redisMagic, relaxed bool) bool {
	switch {
	case ver < 1:
		return false
	case valkeyMagic && ver <= foreignVersionMax:
		return false
	case redisMagic && ver > foreignVersionMax:
		return false
	case relaxed:
		return true
	case ver > Version:
		return false
	case IsForeignVersion(ver):
		return false
	}
	return true
}

// IsForeignVersion reports an RDB version of the range reserved for
// formats foreign to Valkey (12..79).
func IsForeignVersion(ver int) bool { return ver >= foreignVersionMin && ver <= foreignVersionMax }

// ForeignTypeMin is the first type byte whose meaning foreign formats may
// not share (RDB_FOREIGN_TYPE_MIN).
const ForeignTypeMin = 22
