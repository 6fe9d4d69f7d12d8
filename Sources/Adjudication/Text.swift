import Domain

/// How numbers appear in a reason's detail, and the basis strings that point into policy.yaml.
enum Text {
    /// A unit price with at least two and at most six decimals: `180.00`, `12.3456`.
    static func price(_ value: MicroYuan) -> String {
        DecimalText.withDigits(value, scale: Scale.price, keepingDecimals: 2) { String(decoding: $0, as: UTF8.self) }
    }

    static func appendPrice(_ value: MicroYuan, to text: inout String) {
        DecimalText.append(value, scale: Scale.price, keepingDecimals: 2, to: &text)
    }

    static func appendQuantity(_ value: Quantity4, to text: inout String) {
        DecimalText.append(value, scale: Scale.quantity, keepingDecimals: 0, to: &text)
    }

    static func appendProportion(_ value: PartsPerMillion, to text: inout String) {
        DecimalText.append(value, scale: Scale.proportion, keepingDecimals: 0, to: &text)
    }

    /// As `Fen.yuan`.
    static func appendYuan(_ value: Fen, to text: inout String) {
        DecimalText.append(value, scale: Scale.amount, keepingDecimals: Scale.amount, to: &text)
    }

    static func quantity(_ value: Quantity4) -> String { DecimalText.format(value, trimmingScale: Scale.quantity) }

    /// `8750` → `87.5%`.
    static func percent(_ value: BasisPoints) -> String { DecimalText.format(value, trimmingScale: Scale.percent) + "%" }

    static func proportion(_ value: PartsPerMillion) -> String {
        DecimalText.format(value, trimmingScale: Scale.proportion)
    }
}

/// Key paths into policy.yaml, as an auditor would look them up.
enum PolicyPath {
    static func region(_ region: String) -> String { "policy.yaml regions.\(region)" }

    static func scheme(_ code: String, _ insutype: Insutype) -> String {
        region(code) + ".schemes.\(insutype.rawValue)"
    }

    static func group(_ code: String, _ insutype: Insutype, _ name: String) -> String {
        scheme(code, insutype) + ".groups.\(name)"
    }
}
