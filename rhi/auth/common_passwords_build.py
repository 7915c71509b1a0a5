"""Builds common_passwords.txt.gz, the list rhi/auth/common_passwords.py refuses.

Run `python -m rhi.auth.common_passwords_build` after changing the words below; the .gz is
shipped, this module is only its source. The list is made from the passwords people choose most
(as the published breach studies keep finding them): the famous ones, words and names with a
number or a mark after them, keyboard walks, number runs and years, football clubs and places,
and the words of this service that a worker might reach for ("socialworker1", "safeguarding").

Matching takes trailing digits and symbols off (see common_passwords.py), so a word here also
refuses the word with any such ending; the endings are still written out for the most common
forms, as a reader of the list would expect to find them.

Famous phrases ("correct horse battery staple", the test suite's own password and set without
the check) are refused by common_passwords.PHRASES, not listed here.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path


def _words(text: str) -> list[str]:
    return text.split()


# The passwords every breach list starts with.
FAMOUS = _words("""
password passw0rd p@ssword p@ssw0rd pa55word pa55w0rd password1 password12 password123
password1234 passwordpassword password! password123! qwerty qwertyuiop qwertyuiop123 qwerty123
qwertyui asdfgh asdfghjkl asdfghjkl; zxcvbn zxcvbnm 1q2w3e 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y
q1w2e3r4 q1w2e3r4t5 1qaz2wsx 1qaz2wsx3edc zaq12wsx zaq1zaq1 zaq1xsw2 qazwsx qazwsxedc
qazwsxedcrfv 1qazxsw2 !qaz2wsx abc123 abcd1234 abcdef abcdefg abcdefgh abcdefghij
abcdefghijkl abc12345 a1b2c3 a1b2c3d4 aa123456 letmein letmein1 welcome welcome1 welcome123
iloveyou iloveyou1 iloveu loveyou trustno1 monkey dragon master superman batman sunshine
shadow princess football baseball basketball soccer hockey cricket rugby tennis golf
starwars whatever freedom michael jordan jordan23 hunter hunter2 ranger buster tigger
charlie robert thomas daniel andrew joshua jessica jennifer ashley amanda nicole michelle
hannah sophie jasmine matthew anthony william george harry oliver jack charlie1 secret
secret123 admin admin1 admin123 administrator root toor changeme changeme1 default guest
test test123 testing tester login login123 pass pass123 pass1234 passpass access access14
master123 mustang michael1 computer internet google yahoo hotmail gmail facebook linkedin
twitter instagram youtube myspace apple samsung nokia iphone android microsoft windows
office office365 outlook ninja pokemon minecraft fortnite roblox zelda mario nintendo
playstation xbox xbox360 gamer killer hello hello123 hellokitty cookie cheese chocolate
banana orange apple123 pepper ginger summer winter autumn spring flower flowers lovely
loveme lover lovers angel angels baby babygirl babyboy princess1 daisy lucky lucky7 magic
matrix merlin phoenix pussy qwerty1 qwerty12 qwerty1234 qwertz qwertzuiop azerty azertyuiop
zxcvbnm123 asdf asdf1234 asdfasdf asd123 qweasd qweasdzxc qweqwe qwe123 ytrewq 987654321
9876543210 0987654321 123qwe 123abc 123asd 1234qwer 12qwaszx 1234abcd 1234asdf
123456a 123456q a123456 q123456 a12345 qwerty123456 password2 blink182 sk8board skater
superstar rockstar solo chelsea1 arsenal1 liverpool1 everton1 celtic1 rangers1 spurs1
manutd manunited manchesterunited manchestercity mancity tottenham newcastle westham
qwertyuiopasdfghjkl qwertyuiopasdfghjklzxcvbnm 1qaz2wsx3edc4rfv zaq!2wsx xsw2zaq1
nothing nopassword notmypassword mypassword yourpassword thepassword newpassword
oldpassword mypass mysecret private confidential security secure letmein123 openup
opensesame open sesame godzilla gandalf frodo hobbit harrypotter hogwarts voldemort
starwars1 skywalker yoda darthvader jedi chewbacca pikachu spiderman ironman wolverine
captainamerica avengers marvel hulk thor loki deadpool snoopy garfield scooby mickey
mickeymouse minnie tweety bugsbunny winnie poohbear teddybear teddy bubbles sparkle
""")

# Words people build passwords from: common nouns, names, pets, things they love.
WORDS = _words("""
love life happy happiness family friends friend forever always together mother father mum
mummy mom mommy dad daddy sister brother son daughter husband wife nana nanny grandma grandad
granny grandpa auntie uncle cousin baby kids children child home house garden kitchen
heaven angel devil jesus jesus1 christ god godisgood blessed faith hope grace peace glory
praise hallelujah amen bible church trinity heart hearts sweetheart darling honey sugar
sweetie cutie cupcake muffin pumpkin peanut butter butterfly ladybird bumblebee rainbow
sunflower rose roses lily tulip daisy poppy violet jasmine blossom cherry strawberry
raspberry blueberry lemon lime mango peach coconut pineapple melon watermelon biscuit
cookies cake pizza burger chips sausage bacon cheddar toast coffee tea beer wine vodka
whisky cider lager guinness carling stella budweiser heineken smirnoff bacardi jager
dog dogs puppy doggy cat cats kitty kitten tiger lion eagle falcon hawk wolf wolves fox
bear panda monkey donkey horse horses pony unicorn dragonfly dolphin shark whale turtle
rabbit bunny hamster parrot budgie goldfish spider snake cobra python viper scorpion
max bella molly lucy buddy rocky bailey daisy maggie sadie charlie toby jake bear
duke teddy coco milo ruby rosie poppy lola alfie archie oscar bruno murphy benji
rover patch rex sam sammy smudge tiger shadow sooty ginger misty smokey fluffy
red blue green yellow purple pink black white orange silver gold golden diamond crystal
ruby emerald sapphire pearl platinum bronze copper steel iron metal rock stone
music guitar piano drums singer dance dancer dancing party disco rocknroll metallica
nirvana oasis blur coldplay beatles queen abba eminem rihanna beyonce madonna elvis
justin bieber onedirection harrystyles taylorswift adele ed sheeran arianagrande
football footie soccer goal goals striker keeper champion champions winner winners
legend legends hero heroes warrior warriors soldier army navy marine pilot captain
king queen prince princess knight lord lady sir duke royal crown castle palace empire
money cash rich dollar dollars pound pounds euro euros million billion bitcoin crypto
summer winter spring autumn sunny sunshine rain storm thunder lightning snow snowflake
star stars moon sun sky ocean sea beach island paradise holiday holidays travel
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday weekend today tomorrow yesterday
morning evening night midnight tonight forever never always
one two three four five six seven eight nine ten eleven twelve hundred thousand
alpha beta gamma delta omega sigma zeta theta lambda kappa zulu bravo charlie echo
foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra
tango uniform victor whiskey xray yankee
car cars ferrari porsche lamborghini bmw mercedes audi volkswagen golfgti ford fiesta
focus mustang corvette camaro honda civic toyota nissan skyline subaru impreza mazda
vauxhall corsa astra peugeot renault citroen fiat mini cooper jaguar bentley rolls
harley ducati yamaha kawasaki suzuki triumph motorbike motorcycle bike bicycle
computer laptop keyboard mouse monitor printer server network internet website online
hacker hacking hacked cyber matrix neo trinity morpheus zion linux ubuntu debian
windows7 windows10 windows11 vista xp macbook ipad ipod
school college university student teacher teach learn study class classroom
doctor nurse nursing hospital health care carer caring police fire firefighter
london manchester liverpool birmingham leeds sheffield bristol newcastle sunderland
nottingham leicester coventry bradford hull stoke derby plymouth southampton
portsmouth brighton reading oxford cambridge norwich ipswich luton bolton wigan
blackpool blackburn preston burnley bury oldham rochdale stockport salford
wolverhampton walsall dudley sandwell swansea cardiff newport glasgow edinburgh
aberdeen dundee belfast derry dublin cork essex kent surrey sussex devon cornwall
yorkshire lancashire cheshire norfolk suffolk somerset dorset cumbria durham
england scotland wales ireland britain greatbritain unitedkingdom britannia
america usa canada australia france germany spain italy poland portugal greece
jamaica nigeria ghana india pakistan bangladesh china japan
arsenal chelsea everton fulham brentford burnley villa astonvilla leeds leedsunited
leicester liverpool liverpoolfc manchester manutd mufc mcfc lfc cfc afc thfc spurs
newcastle nufc toon southampton saints tottenham westham whufc hammers wolves
crystalpalace palace brighton bournemouth watford norwich sheffieldunited blades
sheffieldwednesday owls sunderland safc middlesbrough boro stoke stokecity derby
derbycounty rams nottinghamforest forest ipswich ipswichtown portsmouth pompey
celtic rangers hearts hibs aberdeen dundee motherwell barcelona realmadrid madrid
juventus milan acmilan inter bayern dortmund psg ajax benfica porto
gunners blues reds toffees magpies canaries hornets seagulls cherries villans
baggies potters foxes eagles lions
""")

# First names that top the lists (people use their own, their children's, their partner's).
NAMES = _words("""
aaron abigail adam adrian aidan alan albert alex alexander alexandra alfie alice alison
amber amelia amy andrea andrew angela ann anna anne anthony archie ashley barbara ben
benjamin beth bethany bill billy bob bobby brandon brian callum cameron carl carol
caroline catherine charles charlotte chloe chris christian christine christopher claire
connor craig daniel danielle darren david dean debbie dennis diana donna dylan edward
eleanor elizabeth ella ellie emily emma eric ethan evie frank freddie freya gary gemma
george georgia grace graham hannah harriet harry harvey hayley heather helen henry holly
ian isaac isabel isabella isla jack jackson jacob jade jake james jamie jane jason jay
jayden jeff jennifer jenny jessica jimmy joanne joe joel john johnny jonathan jordan
joseph josh joshua julie karen kate katie kayleigh keith kelly kevin kieran kyle laura
lauren leah lee leo lewis liam lily linda lisa logan louise lucas lucy luke mark martin
mary mason matthew megan melissa mia michael michelle mike millie mohammed muhammad
molly natalie nathan neil nicola nicholas noah olivia oliver paul paula peter phoebe
rachel rebecca richard robert robyn rosie ruby ryan sally samantha samuel sandra sarah
scott sean sharon simon sophia sophie stacey stephen steven stuart susan teresa thomas
tom tony tracey tyler victoria wayne william zoe zara
""")

# This service's own words, and the ones a council's staff reach for.
DOMAIN = _words("""
rhi rhi123 rhipassword returnhome returnhomeinterview returnhomeinterviews
returninterview missingchat missing missingperson missingpeople missingchild
missingchildren socialworker socialworkers socialwork socialcare socialservices
childrenservices childrensservices childrenssocialcare safeguarding safeguard
childprotection protection lookedafter lookedafterchildren careleaver careleavers
fostercare foster fostering adoption residential childrenshome caseworker casework
keyworker youthworker youthwork earlyhelp earlyhelp1 mash duty dutyteam dutydesk
assessment referral council councillor countycouncil citycouncil localauthority
borough district governance manager management teamleader supervisor admin
administrator helpdesk servicedesk support itsupport ithelp welcome2rhi
nhs police policeman constable sergeant officer interview interviews
exploitation cse cce county lines countylines trafficking runaway runaways
""")

# Keyboard walks and runs of digits people type as passwords.
WALKS = _words("""
qwertyuiop asdfghjkl zxcvbnm qwertyuiop[] qazwsxedc qazwsxedcrfvtgb
poiuytrewq lkjhgfdsa mnbvcxz 1qaz2wsx3edc 1qaz2wsx3edc4rfv5tgb qweasdzxc
zxcasdqwe qwertyasdfgh qwertyasdfghzxcvbn asdfghjklzxcvbnm 1234qwerasdfzxcv
qwer1234 asdf1234 zxcv1234 1234567890qwertyuiop qwerty12345 qwertyuiop1234567890
1q2w3e4r5t6y7u8i9o0p 1q2w3e4r5t6y7u 1a2s3d4f 1a2s3d4f5g zaqxswcde xswzaq
""")

ENDINGS = ["1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "01", "007", "69"]


def _digit_runs() -> Iterator[str]:
    ascending = "12345678901234567890"
    for length in range(6, 21):
        yield ascending[:length]
        yield "0" + ascending[: length - 1]
    descending = "98765432109876543210"
    for length in range(6, 21):
        yield descending[:length]
    for digit in "0123456789":
        for length in range(6, 21):
            yield digit * length
    for pair in ("12", "21", "69", "11", "10", "01", "13", "23", "22", "88", "99"):
        for times in range(3, 11):
            yield pair * times
    for triple in ("123", "321", "007", "111", "420", "666", "777", "999", "789", "147"):
        for times in range(3, 7):
            yield triple * times
    for four in ("1234", "4321", "1212", "2580", "1357", "2468", "1111", "6969", "1122"):
        for times in range(3, 6):
            yield four * times
    for year in range(1950, 2031):
        yield f"{year}" * 3
        yield f"{year}{year + 1}{year + 2}"
        for other in range(1950, 2031, 10):
            yield f"{year}{other}{year}"


def _with_endings(words: Iterable[str]) -> Iterator[str]:
    for word in words:
        yield word
        for ending in ENDINGS:
            yield word + ending


def _with_years(words: Iterable[str]) -> Iterator[str]:
    for word in words:
        for year in range(1970, 2031):
            yield f"{word}{year}"
        for year in range(0, 100):
            yield f"{word}{year:02d}"


def _leet(word: str) -> str:
    return word.translate(str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"}))


def entries() -> list[str]:
    found: set[str] = set()
    top = FAMOUS[:60] + DOMAIN[:30]
    for source in (FAMOUS, WORDS, NAMES, DOMAIN, WALKS):
        found.update(_with_endings(source))
    found.update(_with_years(top))
    found.update(_leet(word) for word in FAMOUS + DOMAIN)
    found.update(f"ilove{word}" for word in NAMES + WORDS[:200])
    found.update(f"{word}{word}" for word in FAMOUS[:120])
    found.update(_digit_runs())
    words = {entry.lower() for entry in found if entry}
    return sorted(words)


def build(path: Path) -> int:
    words = entries()
    data = ("\n".join(words) + "\n").encode("utf-8")
    # mtime=0: the same words always give the same bytes, so a rebuild shows no change in git.
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return len(words)


if __name__ == "__main__":
    target = Path(__file__).with_name("common_passwords.txt.gz")
    print(f"{build(target)} passwords written to {target}")
