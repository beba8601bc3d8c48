//! `record!`: a declaration turned into the struct and its `Record` impl.

/// Declares a record: the struct, its keys in the order they are written,
/// and everything the codecs need. A field is `name: Type = Slot(Codec)`,
/// with `as "key"` where the file's key is not the name; marks in `[ ]`:
/// `personal` for names and free text, which exports leave out unless
/// asked, and `search` for what `--grep` looks in; then how it is set:
/// `in Input::new("option", "VALUE", "help")` makes it an option of
/// `report` and `update` (and a key of `--from` documents and import
/// mappings), or `by "command"` names the command that sets it. After
/// the fields: the type that keeps keys of one's own, and optionally a
/// function that looks at a hand-written mapping for a slip no one field
/// can see, such as a key that is not read (`check`: a file in lsms's own
/// form has none, and the one-pass reader does not call it), and one that
/// finishes a record from the keys a file holds (`finish`: in a file in
/// lsms's form it changes nothing); `given` runs after an input sets one
/// of its fields (a crime reference says the police were told); `parse`
/// and `text` give a record as one piece of text (`--person`); `blank` is
/// the record an input of one of its fields starts from, where the words
/// are not the first of their lists (a reporter's party not yet known).
#[macro_export]
macro_rules! record {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $(
                $(#[$fm:meta])*
                $f:ident $(as $key:literal)? : $ty:ty = $slot:ident($codec:ty) $([$($flag:ident),+])?
                    $(by $by:literal)? $(in $input:expr)?
            ),+ $(,)?
        }
        extra: $extra:ty $(, check: $check:path)? $(, finish: $finish:path)? $(, given: $given:path)?
        $(, parse: $parse:path)? $(, text: $text:path)? $(, blank: $blank:path)? $(,)?
    ) => {
        // Each mark is one the declaration knows (a typo does not compile).
        const _: () = { $( $($( $crate::record!(@mark $flag); )+)? )+ };
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $(#[$fm])* pub $f: $ty, )+
            /// Keys the tool does not know, kept as they were.
            pub extra: $extra,
        }

        impl $crate::codec::schema::Record for $name {
            const KEYS: &'static [&'static str] = &[$($crate::record!(@key $f $($key)?)),+];
            const TEXT: &'static [bool] = &[$(<$codec as $crate::codec::schema::Codec>::TEXT),+];
            const DECLARATION: &'static str = stringify!(
                $(#[$m])* pub struct $name {
                    $($(#[$fm])* $f $(as $key)? : $ty = $slot($codec) $([$($flag),+])? $(by $by)? $(in $input)?),+
                } extra: $extra $(, check: $check)? $(, finish: $finish)? $(, given: $given)?
                $(, parse: $parse)? $(, text: $text)? $(, blank: $blank)?
            );
            fn declarations(out: &mut Vec<&'static str>) {
                out.push(Self::DECLARATION);
                $( <$codec as $crate::codec::schema::Codec>::declarations(out); )+
            }

            fn read_fields(
                n: &$crate::codec::node::Node<'_>,
                at: &$crate::codec::schema::At<'_>,
                cx: &mut $crate::codec::schema::Cx<'_>,
            ) -> Option<Self> {
                use $crate::codec::schema::{Extras, Slot};
                let before = cx.problems.len();
                $( $check(n, at, cx); )?
                let mut m = $crate::codec::schema::Fields::of(n);
                $( let $f = <$crate::codec::schema::$slot>::read::<$codec>(&mut m, $crate::record!(@key $f $($key)?), at, cx); )+
                if cx.problems.len() > before {
                    return None;
                }
                let extra = if m.all_known() { Default::default() } else { <$extra as Extras>::read(n, Self::KEYS) };
                #[allow(unused_mut)]
                let mut v = $name { $( $f: $f?, )+ extra };
                $( $finish(&mut v, &|k: &str| n.get(k).is_some_and(|x| !x.is_null())); )?
                Some(v)
            }

            fn lex_flow<'s>(
                s: &'s str,
                cx: &mut $crate::codec::schema::Cx<'_>,
            ) -> Option<(Self, &'s str)> {
                use $crate::codec::schema::Slot;
                let mut s = s;
                let mut first = true;
                let (mut present, mut bit) = (0u64, 1u64);
                $(
                    let len = s.len();
                    let $f = <$crate::codec::schema::$slot>::lex_flow::<$codec>(&mut s, $crate::record!(@key $f $($key)?), &mut first, cx)?;
                    if s.len() != len {
                        present |= bit;
                    }
                    bit <<= 1;
                )+
                #[allow(unused_mut)]
                let mut v = $name { $( $f, )+ extra: Default::default() };
                $crate::record!(@lexed v, present, bit, [$($finish)?]);
                Some((v, s))
            }

            fn lex_top(s: &str, cx: &mut $crate::codec::schema::Cx<'_>) -> Option<Self> {
                use $crate::codec::schema::Slot;
                let mut s = s;
                let (mut present, mut bit) = (0u64, 1u64);
                $(
                    let len = s.len();
                    let $f = <$crate::codec::schema::$slot>::lex_top::<$codec>(&mut s, $crate::record!(@key $f $($key)?), cx)?;
                    if s.len() != len {
                        present |= bit;
                    }
                    bit <<= 1;
                )+
                if !s.is_empty() {
                    return None;
                }
                #[allow(unused_mut)]
                let mut v = $name { $( $f, )+ extra: Default::default() };
                $crate::record!(@lexed v, present, bit, [$($finish)?]);
                Some(v)
            }

            fn write_fields(&self, out: &mut String, after: &mut dyn FnMut(&'static str, &mut String)) {
                use $crate::codec::schema::Slot;
                $(
                    <$crate::codec::schema::$slot>::top::<$codec>($crate::record!(@key $f $($key)?), &self.$f, out);
                    after($crate::record!(@key $f $($key)?), out);
                )+
            }

            fn flow_fields(&self, out: &mut String) {
                use $crate::codec::schema::{Extras, Slot};
                $( <$crate::codec::schema::$slot>::flow::<$codec>($crate::record!(@key $f $($key)?), &self.$f, out); )+
                self.extra.flow(out);
            }

            fn encode_fields(&self, w: &mut $crate::codec::binary::W) {
                use $crate::codec::schema::{Extras, Slot};
                $( <$crate::codec::schema::$slot>::encode::<$codec>(&self.$f, w); )+
                self.extra.encode(w);
            }

            fn decode_fields(r: &mut $crate::codec::binary::R<'_>, brief: bool) -> Option<Self> {
                use $crate::codec::schema::{Extras, Slot};
                $( let $f = <$crate::codec::schema::$slot>::decode::<$codec>(r, brief)?; )+
                let extra = <$extra as Extras>::decode(r, Self::KEYS)?;
                Some($name { $( $f, )+ extra })
            }

            fn columns(prefix: &str, pass: $crate::codec::schema::Pass, out: &mut Vec<String>) {
                use $crate::codec::schema::Slot;
                $(
                    <$crate::codec::schema::$slot>::columns::<$codec>(
                        &format!("{prefix}{}", $crate::record!(@key $f $($key)?)),
                        pass,
                        $crate::record!(@has personal $($($flag)+)?),
                        out,
                    );
                )+
            }

            fn cells<'a>(
                v: Option<&'a Self>,
                pass: $crate::codec::schema::Pass,
                out: &mut Vec<$crate::codec::cell::Cell<'a>>,
            ) {
                use $crate::codec::schema::Slot;
                $(
                    <$crate::codec::schema::$slot>::cells::<$codec>(
                        v.map(|v| &v.$f),
                        pass,
                        $crate::record!(@has personal $($($flag)+)?),
                        out,
                    );
                )+
            }

            fn json_fields(&self, with_personal: bool, out: &mut $crate::codec::schema::JsonRow) {
                use $crate::codec::schema::Slot;
                $(
                    <$crate::codec::schema::$slot>::json::<$codec>(
                        $crate::record!(@key $f $($key)?),
                        &self.$f,
                        $crate::record!(@has personal $($($flag)+)?),
                        with_personal,
                        out,
                    );
                )+
            }

            fn declared(prefix: &str, out: &mut Vec<$crate::codec::schema::Declared>) {
                use $crate::codec::schema::{Codec, Slot};
                $(
                    let path = format!("{prefix}{}", $crate::record!(@key $f $($key)?));
                    let list = <$crate::codec::schema::$slot as Slot>::LIST;
                    let at = out.len();
                    out.push($crate::codec::schema::Declared {
                        path: path.clone(),
                        input: $crate::record!(@input $($input)?),
                        by: $crate::record!(@by $($by)?),
                        nested: false,
                        list,
                    });
                    if !list {
                        <$codec as Codec>::declared(&format!("{path}."), out);
                        out[at].nested = out.len() > at + 1;
                    }
                )+
            }

            fn input(
                &mut self,
                path: &str,
                op: $crate::codec::schema::Op<'_>,
                cx: &$crate::codec::schema::InputCx<'_>,
            ) -> Option<Result<(), String>> {
                use $crate::codec::schema::Slot;
                let mut own: Option<&'static str> = None;
                let done = 'found: {
                    $(
                        let key = $crate::record!(@key $f $($key)?);
                        if path == key {
                            own = Some(key);
                            break 'found Some(<$crate::codec::schema::$slot>::input::<$codec>(&mut self.$f, op, cx));
                        }
                        if let Some(rest) = path.strip_prefix(key).and_then(|r| r.strip_prefix('.')) {
                            break 'found <$crate::codec::schema::$slot>::nested_input::<$codec>(&mut self.$f, rest, op, cx);
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
                use $crate::codec::schema::Slot;
                $(
                    let key = $crate::record!(@key $f $($key)?);
                    if path == key {
                        return Some(<$crate::codec::schema::$slot>::shown::<$codec>(&self.$f));
                    }
                    if let Some(rest) = path.strip_prefix(key).and_then(|r| r.strip_prefix('.')) {
                        return <$crate::codec::schema::$slot>::nested_shown::<$codec>(&self.$f, rest);
                    }
                )+
                None
            }

            fn search(&self, needle: &str) -> bool {
                use $crate::codec::schema::Slot;
                $(
                    ($crate::record!(@has search $($($flag)+)?)
                        && <$crate::codec::schema::$slot>::search::<$codec>(&self.$f, needle)) ||
                )+ false
            }

            fn shown_fields(&self) -> Vec<(&'static str, String)> {
                use $crate::codec::schema::Slot;
                let mut out = Vec::new();
                $(
                    if let Some(v) = <$crate::codec::schema::$slot>::shown::<$codec>(&self.$f) {
                        out.push(($crate::record!(@key $f $($key)?), v));
                    }
                )+
                out
            }

            #[cfg(test)]
            fn example(path: &str) -> Option<String> {
                $(
                    let key = $crate::record!(@key $f $($key)?);
                    if path == key {
                        return Some(<$codec as $crate::codec::schema::Codec>::example());
                    }
                    if let Some(rest) = path.strip_prefix(key).and_then(|r| r.strip_prefix('.')) {
                        return <$codec as $crate::codec::schema::Codec>::nested_example(rest);
                    }
                )+
                None
            }

            fn parse_text(s: &str, cx: &$crate::codec::schema::InputCx<'_>) -> Result<Self, String> {
                $crate::record!(@parse s, cx, $($parse)?)
            }

            fn text(&self) -> String {
                $crate::record!(@text self, $($text)?)
            }

            $(
                fn blank() -> Self {
                    $blank()
                }
            )?
        }
    };
    // A record read in one pass: `finish` may not change it (the file
    // would then not be in lsms's form).
    (@lexed $v:ident, $present:ident, $bit:ident, [$($finish:path)?]) => {
        let _ = ($present, $bit);
        $(
            let had = $v.clone();
            $finish(&mut $v, &|k: &str| {
                Self::KEYS.iter().position(|x| *x == k).is_some_and(|i| $present >> i & 1 == 1)
            });
            if $v != had {
                return None;
            }
        )?
    };
    (@key $f:ident $key:literal) => { $key };
    (@key $f:ident) => { stringify!($f) };
    // Whether a field's marks hold `$want` (`personal`, `search`).
    (@has $want:ident) => { false };
    (@has $want:ident $first:ident $($rest:ident)*) => {
        $crate::codec::schema::same(stringify!($want), stringify!($first))
            || $crate::record!(@has $want $($rest)*)
    };
    (@mark personal) => {};
    (@mark search) => {};
    (@input $i:expr) => {{
        const INPUT: $crate::codec::schema::Input = $i;
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
