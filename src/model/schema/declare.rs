//! `record!`: a declaration turned into the struct, its `Record` impl, and
//! the walks storage's visitors take through its fields.

/// Declares a record: the struct, its keys in the order they are written,
/// and everything reading, writing and typing it needs. A field is
/// `name: Type = Slot(Kind)`, with `as "key"` where the file's key is not
/// the name; marks in `[ ]`: `personal` for names and free text, which
/// exports leave out unless asked (and a sealed store seals), `staff` for
/// a team member's name among them (an assignee: personal in exports, but
/// not sealed, since every history entry and commit names its actor), and
/// `search` for what `--grep` looks in; then how it is set: `in Input::new("option", "VALUE", "help")`
/// makes it an option of `report` and `update` (and a key of `--from`
/// documents and import mappings), or `by "command"` names the command
/// that sets it. After the fields: the type that keeps keys of one's own,
/// and optionally `slips` (what a hand-written mapping gets wrong that no
/// one field can see, such as a key that is not read), `finish` (finishes
/// a record from the keys a file holds: in a file in lsms's form it
/// changes nothing), `given` (runs after an input sets one of its fields:
/// a crime reference says the police were told), `parse` and `text` (the
/// record as one piece of text, `--person`) and `blank` (what an input of
/// one of its fields starts from, where the words are not the first of
/// their lists: a reporter's party not yet known).
macro_rules! record {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $(
                $(#[$fm:meta])*
                $f:ident $(as $key:literal)? : $ty:ty = $slot:ident($kind:ty) $([$($flag:ident),+])?
                    $(by $by:literal)? $(in $input:expr)?
            ),+ $(,)?
        }
        extra: $extra:ty $(, slips: $slips:path)? $(, finish: $finish:path)? $(, given: $given:path)?
        $(, parse: $parse:path)? $(, text: $text:path)? $(, blank: $blank:path)?
        $(, seal_if: $seal_if:path)? $(,)?
    ) => {
        // Each mark is one the declaration knows (a typo does not compile).
        const _: () = { $( $($( $crate::model::schema::record!(@mark $flag); )+)? )+ };
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $(#[$fm])* pub $f: $ty, )+
            /// Keys the tool does not know, kept as they were.
            pub extra: $extra,
        }

        impl $crate::model::schema::Record for $name {
            const KEYS: &'static [&'static str] = &[$($crate::model::schema::record!(@key $f $($key)?)),+];
            const TEXT: &'static [bool] = &[$(<$kind as $crate::model::schema::Kind>::TEXT),+];
            const DECLARATION: &'static str = stringify!(
                $(#[$m])* pub struct $name {
                    $($(#[$fm])* $f $(as $key)? : $ty = $slot($kind) $([$($flag),+])? $(by $by)? $(in $input)?),+
                } extra: $extra $(, slips: $slips)? $(, finish: $finish)? $(, given: $given)?
                $(, parse: $parse)? $(, text: $text)? $(, blank: $blank)?
                $(, seal_if: $seal_if)?
            );
            const FINISHES: bool = $crate::model::schema::record!(@some $($finish)?);

            fn declarations(out: &mut Vec<&'static str>) {
                out.push(Self::DECLARATION);
                $( <$kind as $crate::model::schema::Kind>::declarations(out); )+
            }

            $(
                fn slips(has: &dyn Fn(&str) -> bool) -> Vec<(&'static str, String)> {
                    $slips(has)
                }
            )?

            $(
                fn finish(&mut self, has: &dyn Fn(&str) -> bool) {
                    $finish(self, has)
                }
            )?

            fn declared(prefix: &str, out: &mut Vec<$crate::model::schema::Declared>) {
                use $crate::model::schema::{Kind, Slot};
                $(
                    let path = format!("{prefix}{}", $crate::model::schema::record!(@key $f $($key)?));
                    let list = <$slot as Slot>::LIST;
                    let at = out.len();
                    out.push($crate::model::schema::Declared {
                        path: path.clone(),
                        input: $crate::model::schema::record!(@input $($input)?),
                        by: $crate::model::schema::record!(@by $($by)?),
                        nested: false,
                        list,
                        sealed: $crate::model::schema::record!(@sealed $($($flag)+)?),
                    });
                    if !list {
                        <$kind as Kind>::declared(&format!("{path}."), out);
                        out[at].nested = out.len() > at + 1;
                    }
                )+
            }

            fn fields() -> &'static [$crate::model::schema::Declared] {
                static FIELDS: std::sync::OnceLock<Vec<$crate::model::schema::Declared>> =
                    std::sync::OnceLock::new();
                FIELDS.get_or_init(|| {
                    let mut out = Vec::new();
                    <Self as $crate::model::schema::Record>::declared("", &mut out);
                    out
                })
            }

            fn input(
                &mut self,
                path: &str,
                op: $crate::model::schema::Op<'_>,
                cx: &$crate::model::schema::InputCx<'_>,
            ) -> Option<Result<(), String>> {
                use $crate::model::schema::Slot;
                let mut own: Option<&'static str> = None;
                let done = 'found: {
                    $(
                        let key = $crate::model::schema::record!(@key $f $($key)?);
                        if path == key {
                            own = Some(key);
                            break 'found Some(<$slot>::input::<$kind>(&mut self.$f, op, cx));
                        }
                        if let Some(rest) = path.strip_prefix(key).and_then(|r| r.strip_prefix('.')) {
                            break 'found <$slot>::nested_input::<$kind>(&mut self.$f, rest, op, cx);
                        }
                    )+
                    None
                };
                if let (Some(Ok(())), Some(key)) = (&done, own) {
                    let _ = key;
                    $( $given(self, key); )?
                }
                done
            }

            fn shown(&self, path: &str) -> Option<Option<String>> {
                use $crate::model::schema::Slot;
                $(
                    let key = $crate::model::schema::record!(@key $f $($key)?);
                    if path == key {
                        return Some(<$slot>::shown::<$kind>(&self.$f));
                    }
                    if let Some(rest) = path.strip_prefix(key).and_then(|r| r.strip_prefix('.')) {
                        return <$slot>::nested_shown::<$kind>(&self.$f, rest);
                    }
                )+
                None
            }

            fn search(&self, needle: &str) -> bool {
                use $crate::model::schema::Slot;
                $(
                    ($crate::model::schema::record!(@has search $($($flag)+)?)
                        && <$slot>::search::<$kind>(&self.$f, needle)) ||
                )+ false
            }

            #[allow(unused_variables)]
            fn each_sealed(&mut self, prefix: &str, f: &mut $crate::model::schema::SealedFn<'_>) {
                use $crate::model::schema::{Kind, Slot};
                let seal_if: fn(&Self, &str) -> Option<bool> =
                    $crate::model::schema::record!(@seal_if $($seal_if)?);
                $(
                    let key = $crate::model::schema::record!(@key $f $($key)?);
                    let seal = seal_if(self, key)
                        .unwrap_or($crate::model::schema::record!(@sealed $($($flag)+)?));
                    <$slot as Slot>::each_mut::<$kind>(&mut self.$f, &mut |x| {
                        <$kind as Kind>::sealed_mut(x, seal, prefix, key, f)
                    });
                )+
            }

            fn shown_fields(&self) -> Vec<(&'static str, String)> {
                use $crate::model::schema::Slot;
                let mut out = Vec::new();
                $(
                    if let Some(v) = <$slot>::shown::<$kind>(&self.$f) {
                        out.push(($crate::model::schema::record!(@key $f $($key)?), v));
                    }
                )+
                out
            }

            #[cfg(test)]
            fn example(path: &str) -> Option<String> {
                use $crate::model::schema::Kind;
                $(
                    let key = $crate::model::schema::record!(@key $f $($key)?);
                    if path == key {
                        return Some(<$kind as Kind>::example());
                    }
                    if let Some(rest) = path.strip_prefix(key).and_then(|r| r.strip_prefix('.')) {
                        return <$kind as Kind>::nested_example(rest);
                    }
                )+
                None
            }

            fn parse_text(s: &str, cx: &$crate::model::schema::InputCx<'_>) -> Result<Self, String> {
                $crate::model::schema::record!(@parse s, cx, $($parse)?)
            }

            fn text(&self) -> String {
                $crate::model::schema::record!(@text self, $($text)?)
            }

            $(
                fn blank() -> Self {
                    $blank()
                }
            )?
        }

        impl<'r, V> $crate::model::schema::Walk<'r, V> for $name
        where
            $( V: $crate::model::schema::VisitField<'r, $slot, $kind>, )+
            V: $crate::model::schema::VisitExtra<$extra>,
        {
            #[allow(unused_assignments)]
            fn walk(&'r self, v: &mut V) {
                let mut index = 0;
                $(
                    let m = $crate::model::schema::Meta {
                        key: $crate::model::schema::record!(@key $f $($key)?),
                        personal: $crate::model::schema::record!(@has personal $($($flag)+)?),
                        index,
                    };
                    <V as $crate::model::schema::VisitField<'r, $slot, $kind>>::field(v, &m, &self.$f);
                    index += 1;
                )+
                <V as $crate::model::schema::VisitExtra<$extra>>::extra(v, &self.extra);
            }
        }

        impl<V> $crate::model::schema::Shape<V> for $name
        where
            $( V: $crate::model::schema::DescribeField<$slot, $kind>, )+
        {
            #[allow(unused_assignments)]
            fn shape(v: &mut V) {
                let mut index = 0;
                $(
                    let m = $crate::model::schema::Meta {
                        key: $crate::model::schema::record!(@key $f $($key)?),
                        personal: $crate::model::schema::record!(@has personal $($($flag)+)?),
                        index,
                    };
                    <V as $crate::model::schema::DescribeField<$slot, $kind>>::field(v, &m);
                    index += 1;
                )+
            }
        }

        impl<V> $crate::model::schema::Build<V> for $name
        where
            $( V: $crate::model::schema::BuildField<$slot, $kind>, )+
            V: $crate::model::schema::BuildExtra<$extra>,
        {
            #[allow(unused_assignments)]
            fn build(v: &mut V) -> Option<Self> {
                let mut index = 0;
                // Every field is made before any is given up on, so a
                // reader names every problem, not only the first.
                $(
                    let m = $crate::model::schema::Meta {
                        key: $crate::model::schema::record!(@key $f $($key)?),
                        personal: $crate::model::schema::record!(@has personal $($($flag)+)?),
                        index,
                    };
                    let $f = <V as $crate::model::schema::BuildField<$slot, $kind>>::field(v, &m);
                    index += 1;
                )+
                let extra = <V as $crate::model::schema::BuildExtra<$extra>>::extra(
                    v,
                    <Self as $crate::model::schema::Record>::KEYS,
                );
                Some($name { $( $f: $f?, )+ extra: extra? })
            }
        }
    };
    (@key $f:ident $key:literal) => { $key };
    (@key $f:ident) => { stringify!($f) };
    (@some $x:path) => { true };
    (@some) => { false };
    // Whether a field's marks hold `$want` (`personal`, `search`).
    (@has $want:ident) => { false };
    (@has $want:ident $first:ident $($rest:ident)*) => {
        $crate::model::schema::same(stringify!($want), stringify!($first))
            || $crate::model::schema::record!(@has $want $($rest)*)
    };
    // Sealed in a sealed store: personal, and not a team member's name.
    (@sealed $($flag:ident)*) => {
        $crate::model::schema::record!(@has personal $($flag)*)
            && !$crate::model::schema::record!(@has staff $($flag)*)
    };
    (@seal_if $seal_if:path) => { $seal_if };
    (@seal_if) => { |_, _| None };
    (@mark personal) => {};
    (@mark staff) => {};
    (@mark search) => {};
    (@input $i:expr) => {{
        const INPUT: $crate::model::schema::Input = $i;
        Some(&INPUT)
    }};
    (@input) => { None };
    (@by $by:literal) => { Some($by) };
    (@by) => { None };
    (@parse $s:ident, $cx:ident, $parse:path) => { $parse($s, $cx) };
    (@parse $s:ident, $cx:ident,) => {{
        let _ = ($s, $cx);
        Err("give it field by field".to_string())
    }};
    (@text $v:ident, $text:path) => { $text($v) };
    (@text $v:ident,) => {
        $v.shown_fields().into_iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    };
}

pub(crate) use record;
